// Public reads answered from memory: the event, the seat map (full and compact) and availability carry an ETag and
// Cache-Control, a current If-None-Match is answered 304, and a change to the seats or the event changes the tag.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateEvent } from '../domain/events/events.ts';
import { holdSeats } from '../domain/events/seats.ts';
import { eventsContext } from '../workers/events.service.ts';
import type { OpenedDomainService } from '../workers/service-runtime.ts';
import { openService, testConfig, testLogger } from './support/context.ts';
import { eventOnSale, type TestEvent } from './support/events.ts';
import { caller, type Caller } from './support/http.ts';
import { until } from './support/wait.ts';

describe('public reads from memory', () => {
  let opened: OpenedDomainService;
  let call: Caller;
  let event: TestEvent;
  const hold = (seatIds: string[]) =>
    holdSeats(opened.deps.orm.em.fork(), {
      holdId: randomUUID(),
      eventId: event.eventId,
      customerId: randomUUID(),
      selection: { seatIds },
      until: new Date(Date.now() + 600_000),
      maxSeatsPerCustomer: 10,
    });

  beforeAll(async () => {
    opened = await openService('events', testConfig(), testLogger());
    call = caller(opened.app());
    event = await eventOnSale(eventsContext(opened.deps), [
      {
        name: 'Stalls',
        rows: [
          { label: 'A', seats: 6 },
          { label: 'B', seats: 6 },
        ],
        accessible: ['A-1'],
        blocked: ['B-6'],
      },
      { name: 'Balcony', rows: [{ label: 'A', seats: 4 }] },
    ]);
  });
  afterAll(async () => opened?.close());

  const routes = () => [
    { path: `/events/${event.eventId}`, cache: 'public, max-age=5' },
    { path: `/events/${event.eventId}/seats`, cache: 'public, no-cache' },
    { path: `/events/${event.eventId}/seats/compact`, cache: 'public, no-cache' },
    { path: `/events/${event.eventId}/availability`, cache: 'public, no-cache' },
  ];

  it('tags each answer, says how long it may be kept, and answers a current If-None-Match with 304', async () => {
    for (const { path, cache } of routes()) {
      const first = await call('GET', path);
      expect(first.status, path).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^"[\w-]+"$/);
      expect(first.headers.get('cache-control'), path).toBe(cache);
      const again = await call('GET', path, { headers: { 'if-none-match': etag! } });
      // No body: the caller reads an empty answer as null.
      expect({ path, status: again.status, body: again.body }).toEqual({ path, status: 304, body: null });
      expect(again.headers.get('etag'), path).toBe(etag);
      expect(again.headers.get('cache-control'), path).toBe(cache);
      // Any other tag, among several or weak, is compared by its value.
      expect((await call('GET', path, { headers: { 'if-none-match': '"stale"' } })).status, path).toBe(200);
      expect((await call('GET', path, { headers: { 'if-none-match': `"stale", W/${etag}` } })).status, path).toBe(304);
    }
  });

  it('changes the seat and availability tags when a seat is held, and the event tag when the event changes', async () => {
    const tags = async () =>
      Object.fromEntries(await Promise.all(routes().map(async (r) => [r.path, (await call('GET', r.path)).headers.get('etag')])));
    const before = await tags();
    await hold([event.seatIds[0]!]);
    await until(async () => (await call('GET', `/events/${event.eventId}/availability`)).body.totals.held === 1, 5_000);
    const held = await tags();
    for (const { path } of routes().slice(1)) expect(held[path], path).not.toBe(before[path]);
    expect(held[`/events/${event.eventId}`]).toBe(before[`/events/${event.eventId}`]);
    const seat = (await call('GET', `/events/${event.eventId}/seats`)).body.seats.find(
      (s: { seatId: string }) => s.seatId === event.seatIds[0],
    );
    expect(seat.status).toBe('held');

    await updateEvent(eventsContext(opened.deps), event.eventId, { title: 'A new title' });
    await until(async () => (await call('GET', `/events/${event.eventId}`)).body.title === 'A new title', 5_000);
    const renamed = await call('GET', `/events/${event.eventId}`, { headers: { 'if-none-match': held[`/events/${event.eventId}`]! } });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('etag')).not.toBe(held[`/events/${event.eventId}`]);
  });

  it('serves a compact seat map with the same content as the full one', async () => {
    await hold([event.seatIds[3]!]);
    await until(async () => (await call('GET', `/events/${event.eventId}/availability`)).body.totals.held >= 1, 5_000);
    const full = (await call('GET', `/events/${event.eventId}/seats`)).body;
    const compact = (await call('GET', `/events/${event.eventId}/seats/compact`)).body;
    const STATUS = { a: 'available', h: 'held', s: 'sold', b: 'blocked' } as Record<string, string>;
    type Row = { row: string; seatIds: string[]; numbers: number[]; accessible: number[]; status: string };
    type Section = { sectionId: string; section: string; priceMinor: number | null; currency: string | null; rows: Row[] };
    const rebuilt = (compact.sections as Section[]).flatMap((section) =>
      section.rows.flatMap((row) =>
        row.seatIds.map((seatId, i) => {
          const status = STATUS[row.status[i]!]!;
          return {
            seatId,
            label: `${section.section} ${row.row}-${row.numbers[i]}`,
            section: section.section,
            sectionId: section.sectionId,
            row: row.row,
            number: row.numbers[i],
            accessible: row.accessible.includes(row.numbers[i]!),
            priceMinor: status === 'blocked' ? null : section.priceMinor,
            currency: status === 'blocked' ? null : section.currency,
            status,
          };
        }),
      ),
    );
    expect(compact.eventId).toBe(full.eventId);
    expect(rebuilt).toEqual(full.seats);
    // The layout above has a blocked, an accessible and a held seat, so each letter is put to the test.
    expect(new Set(rebuilt.map((s) => s.status))).toEqual(new Set(['available', 'held', 'blocked']));
    expect(rebuilt.some((s) => s.accessible)).toBe(true);
  });

  it('answers an unknown event 404 and keeps no tag for it', async () => {
    const missing = await call('GET', `/events/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('etag')).toBeNull();
  });
});
