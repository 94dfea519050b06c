// The events service over HTTP: admins build venues and events, the public sees what is published, and seat changes
// reach live streams on every instance.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../common/http/listen.ts';
import { holdSeats } from '../domain/events/seats.ts';
import { eventsContext } from '../workers/events.service.ts';
import type { DomainServiceHandle, OpenedDomainService } from '../workers/service-runtime.ts';
import { openService, startService, testConfig, testLogger } from './support/context.ts';
import { eventOnSale } from './support/events.ts';
import { caller, type Caller } from './support/http.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';

const layout = {
  name: 'Test Hall',
  city: 'Utrecht',
  sections: [
    { name: 'Orchestra', rowRange: { from: 'A', to: 'C', seatsPerRow: 4 }, accessible: ['A-1'], blocked: ['C-4'] },
    { name: 'Balcony', rows: [{ label: 'A', seats: [1, 2, 3] }] },
  ],
};

describe('the events service', () => {
  const logger = testLogger();
  let users: DomainServiceHandle;
  let events: DomainServiceHandle;
  let call: Caller;
  let admin: string;
  let customer: string;

  beforeAll(async () => {
    users = await startService('users', testConfig({ SERVICE_MODE: 'api' }), logger);
    const usersUrl = `http://127.0.0.1:${users.port}`;
    events = await startService('events', testConfig({ SERVICE_MODE: 'api', USERS_URLS: usersUrl }), logger);
    call = caller(`http://127.0.0.1:${events.port}`);
    const usersCall = caller(usersUrl);
    admin = (await signIn(usersCall, ADMIN.email, ADMIN.password)).accessToken;
    customer = (await newCustomer(usersCall, 'events')).accessToken;
  });

  afterAll(async () => {
    await events?.stop();
    await users?.stop();
  });

  async function draftAt(venueId: string, title = `Concert ${randomUUID().slice(0, 8)}`) {
    const res = await call('POST', '/events', {
      token: admin,
      body: { venueId, title, startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; status: string };
  }

  it('creates a venue with its layout in one request', async () => {
    const res = await call('POST', '/venues', { token: admin, body: layout });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.seatCount).toBe(15);
    const orchestra = res.body.sections[0];
    expect(orchestra.seats).toHaveLength(12);
    expect(orchestra.seats.find((s: { label: string }) => s.label === 'Orchestra A-1').accessible).toBe(true);
    expect(orchestra.seats.find((s: { label: string }) => s.label === 'Orchestra C-4').blocked).toBe(true);
    const read = await call('GET', `/venues/${res.body.id}`);
    expect(read.body).toEqual(res.body);
  });

  it('refuses invalid layouts with the offending fields', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'X', sections: [{ name: 'S', rows: [{ label: 'A', seats: [1, 1] }] }] }, 'sections.0.rows.0.seats'],
      [
        {
          name: 'X',
          sections: [
            {
              name: 'S',
              rows: [
                { label: 'A', seats: 2 },
                { label: 'A', seats: 2 },
              ],
            },
          ],
        },
        'sections.0.rows.1.label',
      ],
      [{ name: 'X', sections: [{ name: 'S', rows: [{ label: 'A', seats: 0 }] }] }, 'sections.0.rows.0.seats'],
      [{ name: 'X', sections: [{ name: 'S', rows: [] }] }, 'sections.0.rows'],
      [{ name: 'X', sections: [] }, 'sections'],
      [{ name: 'X', sections: [{ name: 'S', rows: [{ label: 'A', seats: 2 }], blocked: ['Z-9'] }] }, 'sections.0.blocked.0'],
      [
        {
          name: 'X',
          sections: [
            { name: 'S', rows: [{ label: 'A', seats: 1 }] },
            { name: 's', rows: [{ label: 'A', seats: 1 }] },
          ],
        },
        'sections.1.name',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/venues', { token: admin, body });
      expect({ field, status: res.status }).toEqual({ field, status: 422 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('keeps drafts from the public, and refuses to publish an unpriced section', async () => {
    const venue = (await call('POST', '/venues', { token: admin, body: layout })).body;
    const draft = await draftAt(venue.id, `Secret draft ${randomUUID()}`);
    expect((await call('GET', `/events/${draft.id}`)).status).toBe(404);
    expect((await call('GET', `/events/${draft.id}`, { token: customer })).status).toBe(404);
    expect((await call('GET', `/events/${draft.id}/seats`)).status).toBe(404);
    expect((await call('GET', `/events?venueId=${venue.id}`)).body.items).toEqual([]);
    expect((await call('GET', `/events?venueId=${venue.id}&status=draft`, { token: customer })).body.items).toEqual([]);
    expect(
      (await call('GET', `/events?venueId=${venue.id}&status=draft`, { token: admin })).body.items.map((e: { id: string }) => e.id),
    ).toEqual([draft.id]);

    await call('PUT', `/events/${draft.id}/prices`, {
      token: admin,
      body: { currency: 'EUR', tiers: [{ sectionId: venue.sections[0].id, name: 'Stalls', priceMinor: 4_500 }] },
    });
    const refused = await call('POST', `/events/${draft.id}/publish`, { token: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('UNPRICED_SECTIONS');
    expect(refused.body.detail).toContain('Balcony');

    const priced = await call('PUT', `/events/${draft.id}/prices`, {
      token: admin,
      body: {
        currency: 'EUR',
        tiers: [
          { sectionId: venue.sections[0].id, name: 'Stalls', priceMinor: 4_500 },
          { sectionId: venue.sections[1].id, name: 'Balcony', priceMinor: 2_000 },
        ],
      },
    });
    expect(priced.body.prices).toHaveLength(2);
    const published = await call('POST', `/events/${draft.id}/publish`, { token: admin });
    expect(published.body).toMatchObject({ status: 'published', onSale: true });
    expect((await call('GET', `/events/${draft.id}`)).body.prices).toHaveLength(2);
    // Prices are fixed once on sale.
    const repriced = await call('PUT', `/events/${draft.id}/prices`, {
      token: admin,
      body: { currency: 'EUR', tiers: [{ sectionId: venue.sections[0].id, name: 'Cheap', priceMinor: 1 }] },
    });
    expect(repriced.status).toBe(409);

    const map = await call('GET', `/events/${draft.id}/seats`);
    expect(map.body.seats).toHaveLength(15);
    expect(map.body.seats[0]).toMatchObject({
      label: 'Orchestra A-1',
      section: 'Orchestra',
      priceMinor: 4_500,
      currency: 'EUR',
      status: 'available',
      accessible: true,
    });
    expect(map.body.seats.find((s: { label: string }) => s.label === 'Orchestra C-4').status).toBe('blocked');
    const counts = await call('GET', `/events/${draft.id}/availability`);
    expect(counts.body.totals).toEqual({ total: 14, available: 14, held: 0, sold: 0 });
    expect(counts.body.sections.map((s: { section: string; total: number }) => [s.section, s.total])).toEqual([
      ['Orchestra', 11],
      ['Balcony', 3],
    ]);
  });

  it('gives a non-admin 403 on every write, and an anonymous caller 401', async () => {
    const venue = (await call('POST', '/venues', { token: admin, body: layout })).body;
    const draft = await draftAt(venue.id);
    const writes: [string, string, unknown][] = [
      ['POST', '/venues', layout],
      ['POST', '/events', { venueId: venue.id, title: 'x', startsAt: new Date().toISOString() }],
      ['PATCH', `/events/${draft.id}`, { title: 'hijacked' }],
      ['PUT', `/events/${draft.id}/prices`, { currency: 'EUR', tiers: [{ sectionId: venue.sections[0].id, name: 'x', priceMinor: 1 }] }],
      ['POST', `/events/${draft.id}/publish`, undefined],
      ['POST', `/events/${draft.id}/cancel`, undefined],
      ['POST', `/events/${draft.id}/complete`, undefined],
    ];
    for (const [method, path, body] of writes) {
      expect({ path, status: (await call(method, path, { token: customer, body })).status }).toEqual({ path, status: 403 });
      expect({ path, status: (await call(method, path, { body })).status }).toEqual({ path, status: 401 });
    }
    const after = (await call('GET', `/events/${draft.id}`, { token: admin })).body;
    expect(after.status).toBe('draft');
    expect(after.title).not.toBe('hijacked');
    expect(after.prices).toEqual([]);
  });

  it('changes, cancels and completes events only from states that allow it', async () => {
    const venue = (await call('POST', '/venues', { token: admin, body: layout })).body;
    const draft = await draftAt(venue.id);
    const moved = await call('PATCH', `/events/${draft.id}`, {
      token: admin,
      body: { title: 'Renamed', endsAt: new Date(Date.now() + 21 * 86_400_000).toISOString() },
    });
    expect(moved.body.title).toBe('Renamed');
    const bad = await call('PATCH', `/events/${draft.id}`, {
      token: admin,
      body: { endsAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('endsAt');
    expect((await call('POST', `/events/${draft.id}/complete`, { token: admin })).body.code).toBe('EVENT_STATE_CONFLICT');
    const cancelled = await call('POST', `/events/${draft.id}/cancel`, { token: admin, body: { reason: 'Artist ill' } });
    expect(cancelled.body.status).toBe('cancelled');
    expect((await call('POST', `/events/${draft.id}/publish`, { token: admin })).status).toBe(409);
  });

  it('lists published events soonest first, filtered by text, venue and dates, a page at a time', async () => {
    const tag = `Festival${randomUUID().slice(0, 6)}`;
    const venue = (
      await call('POST', '/venues', {
        token: admin,
        body: { name: 'Field', sections: [{ name: 'Lawn', rows: [{ label: 'A', seats: 2 }] }] },
      })
    ).body;
    const ids = [];
    for (const days of [3, 1, 2]) {
      const res = await call('POST', '/events', {
        token: admin,
        body: { venueId: venue.id, title: `${tag} day ${days}`, startsAt: new Date(Date.now() + days * 86_400_000).toISOString() },
      });
      await call('PUT', `/events/${res.body.id}/prices`, {
        token: admin,
        body: { currency: 'EUR', tiers: [{ sectionId: venue.sections[0].id, name: 'Lawn', priceMinor: 1_000 }] },
      });
      await call('POST', `/events/${res.body.id}/publish`, { token: admin });
      ids.push(res.body.id);
    }
    const page1 = await call('GET', `/events?q=${tag}&limit=2`);
    expect(page1.body.items.map((e: { title: string }) => e.title)).toEqual([`${tag} day 1`, `${tag} day 2`]);
    const page2 = await call('GET', `/events?q=${tag}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((e: { title: string }) => e.title)).toEqual([`${tag} day 3`]);
    expect(page2.body.nextCursor).toBeNull();
    expect((await call('GET', `/events?venueId=${venue.id}`)).body.items).toHaveLength(3);
    const from = new Date(Date.now() + 1.5 * 86_400_000).toISOString();
    expect((await call('GET', `/events?q=${tag}&from=${encodeURIComponent(from)}`)).body.items).toHaveLength(2);
    expect((await call('GET', '/events?from=yesterday')).status).toBe(422);
  });
});

describe('live availability', () => {
  const logger = testLogger();
  const servers: Listening[] = [];
  const opened: OpenedDomainService[] = [];

  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const o of opened) await o.close();
  });

  it('tells a client of one instance about a hold made through another, with the seats and the new counts', async () => {
    // Two instances of the events service, each with its own connections and its own change feed.
    for (let i = 0; i < 2; i++) opened.push(await openService('events', testConfig(), logger));
    const [a, b] = opened as [(typeof opened)[0], (typeof opened)[0]];
    const serverB = await listen(b.app(), 0, '127.0.0.1');
    servers.push(serverB);
    const event = await eventOnSale(eventsContext(a.deps));

    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${serverB.port}/events/${event.eventId}/availability/stream`, { signal: abort.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    // A message that never comes fails the test with this deadline's message, not the test's own timeout.
    const nextMessage = async (timeoutMs = 15_000): Promise<{ event: string; data: any }> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) continue;
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          return { event: field('event')!, data: JSON.parse(field('data')!) };
        }
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no message on the stream within ${timeoutMs} ms`)),
            Math.max(0, deadline - Date.now()),
          );
        });
        const { value, done } = await Promise.race([reader.read(), late]).finally(() => clearTimeout(timer));
        if (done) throw new Error('stream ended');
        buffer += value;
      }
    };
    const snapshot = await nextMessage();
    expect(snapshot.event).toBe('snapshot');
    expect(snapshot.data.totals.available).toBe(100);
    expect(snapshot.data.seats).toHaveLength(100);

    const seats = event.seatIds.slice(0, 2);
    await holdSeats(a.deps.orm.em.fork(), {
      holdId: randomUUID(),
      eventId: event.eventId,
      customerId: randomUUID(),
      selection: { seatIds: seats },
      until: new Date(Date.now() + 60_000),
      maxSeatsPerCustomer: 10,
    });
    // How soon it arrives is measured by `npm run bench:latency`; here only that it does, and what it says.
    const change = await nextMessage();
    expect(change.event).toBe('change');
    expect(change.data.eventId).toBe(event.eventId);
    expect(change.data.seats).toHaveLength(2);
    expect(change.data.seats).toEqual(expect.arrayContaining(seats.map((seatId) => ({ seatId, status: 'held' }))));
    expect(change.data.availability.totals).toMatchObject({ available: 98, held: 2 });
    abort.abort();
  });
});
