// POST /internal/holds: the bookings service claims a booking's seats before its saga starts. Only platform processes
// may claim or release; a claim is the domain's hold under the booking's id (a repeat answers the first hold), and its
// refusals carry the codes the saga's hold step gives. And the claims as a bookings process sends them: how long one
// may take, and how many may be in flight.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLAIM_LIMITS, CLAIM_TIMEOUT_MS, MAX_CLAIMS_IN_FLIGHT, seatClaims } from '../api/bookings/holds.handlers.ts';
import { claimHandlers } from '../api/events/claims.handlers.ts';
import { registerClaimRoutes } from '../api/events/claims.routes.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { createServiceApp } from '../common/http/service-app.ts';
import { SERVICE_CALL_TIMEOUT_MS } from '../common/http/service-client.ts';
import type { SeatState } from '../domain/events/seat-state.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import { caller, type Caller } from './support/http.ts';
import { until } from './support/wait.ts';

const SECRET = 'platform-secret-for-claims';
const MAX_SEATS = 4;

describe('seat claims on the internal route', () => {
  let orm: Orm;
  let call: Caller;
  let event: TestEvent;

  /** The app of an events instance with the claim routes, and optionally a seat state in memory. */
  function claimsApp(seatState?: Pick<SeatState, 'get'>): Caller {
    const app = createServiceApp({
      name: 'events',
      description: 'claims test',
      logger: testLogger(),
      readiness: [],
      readyTimeoutMs: 1_000,
    });
    registerClaimRoutes(
      app,
      claimHandlers({
        ctx: eventsCtx(orm),
        gatewaySecret: SECRET,
        maxSeatsPerCustomer: MAX_SEATS,
        ...(seatState ? { seats: seatState } : {}),
      }),
    );
    return caller(app);
  }

  const asPlatform = { 'x-eventix-gateway': SECRET };
  const claimOf = (seatIds: string[], overrides: Record<string, unknown> = {}) => ({
    holdId: randomUUID(),
    eventId: event.eventId,
    customerId: randomUUID(),
    selection: { seatIds },
    until: new Date(Date.now() + 300_000).toISOString(),
    ...overrides,
  });
  const claim = (body: object, headers: Record<string, string> = asPlatform) => call('POST', '/internal/holds', { body, headers });
  const release = (holdId: string) => call('POST', `/internal/holds/${holdId}/release`, { headers: asPlatform });
  const holdersOf = async (seatIds: string[]) =>
    (
      await orm.em
        .fork()
        .execute<{ hold_id: string | null }[]>(
          `select hold_id from seat_inventory where event_id = ? and seat_id in (?) and status = 'held' and expires_at > now()`,
          [event.eventId, seatIds],
        )
    ).map((r) => r.hold_id);

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('events', testConfig()), { migrate: false });
    call = claimsApp();
  });
  afterAll(async () => orm?.close());
  // Each story on an event of its own.
  beforeEach(async () => {
    event = await eventOnSale(eventsCtx(orm), [
      { name: 'Stalls', rows: [{ label: 'A', seats: 10 }] },
      { name: 'Circle', rows: [{ label: 'B', seats: 3 }] },
    ]);
  });

  it('answers only platform processes: no secret or a wrong one is a 403 and holds nothing', async () => {
    const seats = [event.seatIds[0]!];
    const body = claimOf(seats);
    for (const headers of [{}, { 'x-eventix-gateway': 'not-the-secret' }] as Record<string, string>[]) {
      const refused = await claim(body, headers);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
      const released = await call('POST', `/internal/holds/${body.holdId}/release`, { headers });
      expect(released.status).toBe(403);
      // Refused before its request is read: a stranger learns nothing of what the route would take.
      for (const malformed of [{}, 'not json', { ...body, holdId: 'x' }]) {
        expect((await claim(malformed, headers)).status).toBe(403);
      }
      expect((await call('POST', '/internal/holds/not-a-uuid/release', { headers })).status).toBe(403);
    }
    expect(await holdersOf(seats)).toEqual([]);
  });

  it('holds named seats under the hold id, and a repeat with the same id answers the same hold and changes nothing', async () => {
    const seats = event.seatIds.slice(1, 3);
    const body = claimOf(seats);
    const first = await claim(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ holdId: body.holdId, eventId: event.eventId, expiresAt: body.until, currency: 'EUR' });
    expect(first.body.seats.map((s: { seatId: string }) => s.seatId).sort()).toEqual([...seats].sort());
    expect(first.body.totalMinor).toBe(2 * first.body.seats[0].priceMinor);
    const again = await claim({ ...body, until: new Date(Date.now() + 600_000).toISOString() });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await holdersOf(seats)).toEqual([body.holdId, body.holdId]);
  });

  it('refuses seats another hold has, naming them, and holds none of the others', async () => {
    const [taken, free] = [event.seatIds[3]!, event.seatIds[4]!];
    expect((await claim(claimOf([taken]))).status).toBe(200);
    const refused = await claim(claimOf([free, taken]));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SEATS_UNAVAILABLE');
    expect(refused.body.errors).toEqual([{ field: `seats.${taken}`, message: 'is already taken' }]);
    expect(await holdersOf([free])).toEqual([]);
  });

  it('refuses with the codes of the saga: an unknown seat, an unknown event, a sale not open, a customer over the limit', async () => {
    const unknownSeat = await claim(claimOf([randomUUID()]));
    expect({ status: unknownSeat.status, code: unknownSeat.body.code }).toEqual({ status: 422, code: 'SEAT_NOT_FOUND' });
    const unknownEvent = await claim(claimOf([event.seatIds[5]!], { eventId: randomUUID() }));
    expect({ status: unknownEvent.status, code: unknownEvent.body.code }).toEqual({ status: 404, code: 'EVENT_NOT_FOUND' });

    const customerId = randomUUID();
    const section = event.sections[0]!.id;
    expect((await claim(claimOf([], { customerId, selection: { sectionId: section, quantity: 3 } }))).status).toBe(200);
    const over = await claim(claimOf([event.seatIds[9]!], { customerId, selection: { sectionId: section, quantity: MAX_SEATS - 2 } }));
    expect({ status: over.status, code: over.body.code }).toEqual({ status: 409, code: 'HOLD_LIMIT_EXCEEDED' });

    const later = await eventOnSale(eventsCtx(orm), [{ name: 'Hall', rows: [{ label: 'A', seats: 2 }] }]);
    await orm.em.fork().execute(`update event set sales_open_at = now() + interval '1 day' where id = ?`, [later.eventId]);
    const notYet = await claim(claimOf([later.seatIds[0]!], { eventId: later.eventId }));
    expect({ status: notYet.status, code: notYet.body.code }).toEqual({ status: 409, code: 'EVENT_NOT_ON_SALE' });
  });

  it('holds the best seats of a section, and refuses more than are left', async () => {
    const circle = event.sections[1]!;
    const held = await claim(claimOf([], { selection: { sectionId: circle.id, quantity: 2 } }));
    expect(held.status).toBe(200);
    expect(held.body.seats).toHaveLength(2);
    const tooMany = await claim(claimOf([], { selection: { sectionId: circle.id, quantity: 2 } }));
    expect({ status: tooMany.status, code: tooMany.body.code }).toEqual({ status: 409, code: 'SEATS_UNAVAILABLE' });
  });

  it('gives a claim back once, and a released hold id claims nothing again', async () => {
    const seats = event.seatIds.slice(6, 8);
    const body = claimOf(seats);
    expect((await claim(body)).status).toBe(200);
    expect((await release(body.holdId)).body).toEqual({ holdId: body.holdId, released: 2 });
    expect((await release(body.holdId)).body).toEqual({ holdId: body.holdId, released: 0 });
    const reclaimed = await claim(body);
    expect({ status: reclaimed.status, code: reclaimed.body.code }).toEqual({ status: 409, code: 'HOLD_RELEASED' });
    expect(await holdersOf(seats)).toEqual([]);
    // The seats are free for anyone else.
    expect((await claim(claimOf(seats))).status).toBe(200);

    // A release that comes before its claim bars it.
    const barred = claimOf([event.seatIds[8]!]);
    expect((await release(barred.holdId)).body).toEqual({ holdId: barred.holdId, released: 0 });
    expect((await claim(barred)).body.code).toBe('HOLD_RELEASED');
    expect(await holdersOf([event.seatIds[8]!])).toEqual([]);
  });

  it('refuses at once what the seat state in memory shows taken, unless the hold id holds it already', async () => {
    const seatId = event.sections[0]!.seatIds.at(-1)!;
    const free = await holdersOf([seatId]);
    expect(free).toEqual([]);
    // A memory that shows the seat taken although the database has it free: only the memory can refuse it.
    const seats = {
      event: { status: 'published', salesOpenAt: null, salesCloseAt: null, startsAt: new Date(Date.now() + 86_400_000) },
      seats: [{ seatId, sectionId: event.sections[0]!.id }],
      check: () => ({ unknown: [], taken: [seatId] }),
      freeInSection: () => 0,
    };
    const remembering = claimsApp({ get: () => Promise.resolve(seats as never) });
    const body = claimOf([seatId]);
    const refused = await remembering('POST', '/internal/holds', { body, headers: asPlatform });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'SEATS_UNAVAILABLE' });
    expect(refused.body.errors).toEqual([{ field: `seats.${seatId}`, message: 'is already taken' }]);
    expect(await holdersOf([seatId])).toEqual([]);
    // Once this hold id holds the seat (its claim committed on another instance), the memory shows the seat taken by
    // it: a repeat there answers the first result.
    const held = await claim(body);
    expect(held.status).toBe(200);
    const repeat = await remembering('POST', '/internal/holds', { body, headers: asPlatform });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(held.body);
    expect(await holdersOf([seatId])).toEqual([body.holdId]);
  });

  it('answers two claims of one hold id at once with the one hold, never refusing the second for its own seats', async () => {
    for (const seats of [event.seatIds.slice(0, 2), event.seatIds.slice(2, 4), event.seatIds.slice(4, 6)]) {
      const body = claimOf(seats);
      const [a, b] = await Promise.all([claim(body), claim(body)]);
      expect([a.status, b.status], JSON.stringify([a.body, b.body])).toEqual([200, 200]);
      expect(b.body).toEqual(a.body);
      expect(await holdersOf(seats)).toEqual([body.holdId, body.holdId]);
    }
  });

  it('refuses a claim that would lapse in the past or more than a day ahead as invalid', async () => {
    for (const until of [new Date(Date.now() - 1_000), new Date(Date.now() + 2 * 86_400_000)]) {
      const refused = await claim(claimOf([event.seatIds[0]!], { until: until.toISOString() }));
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 422, code: 'VALIDATION_FAILED' });
    }
  });
});

describe('seat claims from a bookings process', () => {
  const configOf = (urls: string[]) =>
    ({ services: { events: { urls } }, auth: { gatewaySecret: 'platform-secret' }, dataDir: '/nonexistent' }) as unknown as Parameters<
      typeof seatClaims
    >[0];
  const request = () => ({
    holdId: randomUUID(),
    eventId: randomUUID(),
    customerId: randomUUID(),
    selection: { seatIds: [randomUUID()] },
    until: new Date(Date.now() + 60_000).toISOString(),
  });
  /** The URLs the claims were sent to (the service client sends strings). */
  const asked: string[] = [];
  const urlOf = (input: Parameters<typeof fetch>[0]) => (input instanceof Request ? input.url : input.toString());
  /** An events service that takes every claim and answers none until its request gives up. */
  const silent: typeof fetch = (input, init) => {
    asked.push(urlOf(input));
    return new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error)));
  };

  it('gives a claim its own time for every events instance together, and says it timed out rather than unanswered', async () => {
    asked.length = 0;
    const claims = seatClaims(configOf(['http://a.test', 'http://b.test']), silent, { ...CLAIM_LIMITS, timeoutMs: 300 });
    const started = Date.now();
    expect(await claims.claim(request())).toEqual({ outcome: 'timed-out', afterMs: 300 });
    // The first instance had the whole time: none was left to ask the second.
    expect(asked).toEqual(['http://a.test/internal/holds']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps the 10 s claim time by default, longer than the 3 s of other internal calls', () => {
    expect(CLAIM_LIMITS).toEqual({ timeoutMs: CLAIM_TIMEOUT_MS, maxInFlight: MAX_CLAIMS_IN_FLIGHT });
    expect(CLAIM_TIMEOUT_MS).toBeGreaterThan(SERVICE_CALL_TIMEOUT_MS);
  });

  it('is busy at once, sending nothing, with as many claims in flight as it may have; and takes claims again once one ends', async () => {
    asked.length = 0;
    let answer: (res: Response) => void = () => undefined;
    const held = (input: Parameters<typeof fetch>[0]) => {
      asked.push(urlOf(input));
      return new Promise<Response>((resolve) => (answer = resolve));
    };
    const claims = seatClaims(configOf(['http://a.test']), held, { ...CLAIM_LIMITS, maxInFlight: 1 });
    const first = request();
    const inFlight = claims.claim(first);
    await until(() => asked.length === 1, 2_000);
    expect(await claims.claim(request())).toEqual({ outcome: 'busy' });
    expect(asked).toHaveLength(1);

    const hold = { holdId: first.holdId, eventId: first.eventId, expiresAt: first.until, seats: [], totalMinor: 0, currency: 'EUR' };
    answer(Response.json(hold));
    expect(await inFlight).toEqual({ outcome: 'held', hold });
    const next = claims.claim(request());
    await until(() => asked.length === 2, 2_000);
    answer(Response.json(hold));
    expect(await next).toMatchObject({ outcome: 'held' });
  });
});
