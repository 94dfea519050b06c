// Idempotency-Key on every POST that creates something or moves money: the shared middleware against the real database
// (replays, reuse, concurrency, failures, take-over, expiry), then each idempotent route through the gateway.
import { randomUUID } from 'node:crypto';
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { IDEMPOTENCY_PROBLEMS, STALE_CLAIM_MS, idempotent, isIdempotentRepeat, markOutcomePending } from '../common/http/idempotency.ts';
import { claimKey, purgeExpired, releaseClaim } from '../common/http/idempotency-store.ts';
import { BAD_INPUT, idempotencyKeyHeader, jsonAnswer, jsonBody, problemAnswer } from '../common/http/openapi.ts';
import { HttpProblem } from '../common/http/problem.ts';
import { createServiceApp, type AppEnv, type ServiceApp } from '../common/http/service-app.ts';
import { setPriceTiers } from '../domain/events/events.ts';
import { checkInvariants } from '../domain/invariants.ts';
import { ormSettings } from '../workers/services.ts';
import { bookAndPay } from './support/bookings.ts';
import { testConfig, testLogger } from './support/context.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import { caller, type Answer, type Caller } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { ADMIN, PASSWORD, newCustomer, signIn, uniqueEmail } from './support/users.ts';

const REPLAYED = 'idempotent-replayed';
const keyed = (key: string, headers: Record<string, string> = {}) => ({ ...headers, 'idempotency-key': key });

/** The parts of an answer a replay must repeat. */
const firstAnswerOf = (res: Answer) => ({ status: res.status, body: res.body, contentType: res.headers.get('content-type') });

function expectReplayOf(replay: Answer, first: Answer): void {
  expect(first.headers.get(REPLAYED)).toBeNull();
  expect(replay.headers.get(REPLAYED)).toBe('true');
  expect(firstAnswerOf(replay)).toEqual(firstAnswerOf(first));
}

async function expectProblem(res: Promise<Answer>, status: number, code: string): Promise<Answer> {
  const answer = await res;
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body.code).toBe(code);
  return answer;
}

async function count(orm: Orm, sql: string, params: unknown[]): Promise<number> {
  const [row] = await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from ${sql}`, params);
  return Number(row!.n);
}

describe('the idempotency middleware', () => {
  let orm: Orm;
  let call: Caller;
  let runs = 0;
  /** How the next run fails: thrown, a 5xx or 429 that left nothing under way, or a 503 whose outcome is still to come. */
  let failNext: 'throw' | 503 | 429 | 'pending' | undefined;
  let gate: Promise<void> | undefined;
  const waiting: (() => void)[] = [];

  /** Holds every run that starts from now on until the returned function is called (or the test ends). */
  function closeGate(): () => void {
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    waiting.push(open);
    return open;
  }

  const thingRoute = createRoute({
    method: 'post',
    path: '/things',
    request: { headers: idempotencyKeyHeader('test'), body: jsonBody(z.object({ name: z.string().min(1) })) },
    responses: {
      201: jsonAnswer(z.object({ id: z.string(), name: z.string(), run: z.number(), repeat: z.boolean() }), 'Made'),
      ...IDEMPOTENCY_PROBLEMS,
      429: problemAnswer('Refused for now'),
      503: problemAnswer('Unavailable for now'),
      ...BAD_INPUT,
    },
  });
  const renameRoute = createRoute({ ...thingRoute, path: '/things/rename' });
  /** A route whose repeats join the first run instead of being told the key is in use. */
  const joinRoute = createRoute({ ...thingRoute, path: '/things/joined' });

  /** The caller is whoever the test says, as the authentication middleware would set it. */
  const asCaller: MiddlewareHandler = async (c, next) => {
    const userId = c.req.header('x-caller');
    if (userId) c.set('principal', { userId, role: 'user', sessionId: randomUUID(), expiresAt: new Date(Date.now() + 60_000) });
    await next();
  };

  function testApp(): ServiceApp {
    const app = createServiceApp({
      name: 'idempotency-test',
      description: 'test',
      logger: testLogger(),
      readiness: [],
      readyTimeoutMs: 1_000,
    });
    const handler: RouteHandler<typeof thingRoute, AppEnv> = async (c) => {
      runs += 1;
      const run = runs;
      await gate;
      const failure = failNext;
      failNext = undefined;
      if (failure === 'throw') throw new Error('the handler failed');
      if (failure === 'pending') {
        markOutcomePending(c);
        throw new HttpProblem(503, 'OUTCOME_PENDING');
      }
      if (failure !== undefined) throw new HttpProblem(failure, failure === 429 ? 'TOO_MANY_REQUESTS' : 'UNAVAILABLE');
      const id = randomUUID();
      // The validator read the body after the middleware did.
      return c.json({ id, name: c.req.valid('json').name, run, repeat: isIdempotentRepeat(c) }, 201, { location: `/things/${id}` });
    };
    const middleware = [asCaller, idempotent(orm) as MiddlewareHandler];
    app.openapi({ ...thingRoute, middleware }, handler);
    app.openapi({ ...renameRoute, middleware }, handler);
    app.openapi({ ...joinRoute, middleware: [asCaller, idempotent(orm, { repeats: 'join' }) as MiddlewareHandler] }, handler);
    return app;
  }

  const post = (key: string | undefined, body: unknown, caller = 'caller-a', path = '/things') =>
    call('POST', path, { body, headers: { 'x-caller': caller, ...(key === undefined ? {} : { 'idempotency-key': key }) } });
  const records = (key: string) => count(orm, 'idempotency_record where "key" = ?', [key]);

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('payments', testConfig()), { migrate: false });
    call = caller(testApp());
  });
  afterAll(async () => orm?.close());
  afterEach(() => {
    gate = undefined;
    for (const open of waiting.splice(0)) open();
  });

  it('runs a keyed request once and answers its replay with the first answer, marked as a replay', async () => {
    const key = randomUUID();
    const before = runs;
    const first = await post(key, { name: 'lamp' });
    expect(first.status).toBe(201);
    expect(first.body.name).toBe('lamp');
    const replay = await post(key, { name: 'lamp' });
    expectReplayOf(replay, first);
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(runs - before).toBe(1);
  });

  it('refuses the same key with another body or on another route, and keeps keys of different callers apart', async () => {
    const key = randomUUID();
    const first = await post(key, { name: 'chair' });
    expect(first.status).toBe(201);
    await expectProblem(post(key, { name: 'table' }), 409, 'IDEMPOTENCY_KEY_REUSED');
    await expectProblem(post(key, { name: 'chair' }, 'caller-a', '/things/rename'), 409, 'IDEMPOTENCY_KEY_REUSED');
    const theirs = await post(key, { name: 'chair' }, 'caller-b');
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get(REPLAYED)).toBeNull();
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('lets requests without a key through untouched', async () => {
    const before = runs;
    expect((await post(undefined, { name: 'cup' })).status).toBe(201);
    expect((await post(undefined, { name: 'cup' })).status).toBe(201);
    expect(runs - before).toBe(2);
  });

  it('refuses a key that is empty, too long or not printable ASCII with a 422 naming the header', async () => {
    for (const key of ['', 'k'.repeat(256), 'clé']) {
      const res = await expectProblem(post(key, { name: 'pen' }), 422, 'VALIDATION_FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'idempotency-key' })]);
    }
    expect((await post('k'.repeat(255), { name: 'pen' }, randomUUID())).status).toBe(201);
  });

  it('runs one of two concurrent requests with one key; the other is told the key is in use', async () => {
    const key = randomUUID();
    const before = runs;
    const open = closeGate();
    const pair = [post(key, { name: 'desk' }), post(key, { name: 'desk' })];
    // Whichever claimed second is answered while the first still waits at the gate.
    expect((await Promise.race(pair)).status).toBe(409);
    open();
    const answers = await Promise.all(pair);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(runs - before).toBe(1);
    expectReplayOf(
      await post(key, { name: 'desk' }),
      answers.find((a) => a.status === 201)!,
    );
  });

  it('keeps no 5xx, thrown error or 429: the claim is released and a retry runs again', async () => {
    for (const failure of ['throw', 503, 429] as const) {
      const key = randomUUID();
      failNext = failure;
      const failed = await post(key, { name: 'shelf' });
      expect(failed.status).toBe(failure === 'throw' ? 500 : failure);
      expect(await records(key)).toBe(0);
      const retry = await post(key, { name: 'shelf' });
      expect(retry.status).toBe(201);
      expect(retry.headers.get(REPLAYED)).toBeNull();
    }
  });

  it('keeps no validation failure, so the corrected request may use the same key', async () => {
    const key = randomUUID();
    await expectProblem(post(key, { name: '' }), 422, 'VALIDATION_FAILED');
    expect(await records(key)).toBe(0);
    expect((await post(key, { name: 'stool' })).status).toBe(201);
  });

  it('keeps no refusal of the media type, so a retry with the right Content-Type may use the same key', async () => {
    const key = randomUUID();
    const wrongType = await testApp().request('/things', {
      method: 'POST',
      headers: { 'x-caller': 'caller-a', 'idempotency-key': key, 'content-type': 'text/plain' },
      body: '{"name":"stool"}',
    });
    expect(wrongType.status).toBe(415);
    expect(await records(key)).toBe(0);
    expect((await post(key, { name: 'stool' })).status).toBe(201);
  });

  it('lets a retry take over a claim left pending by a run that died, but not a fresh one', async () => {
    const key = randomUUID();
    const open = closeGate();
    const stuck = post(key, { name: 'bench' });
    await expect.poll(() => records(key)).toBe(1);
    await expectProblem(post(key, { name: 'bench' }), 409, 'IDEMPOTENCY_KEY_IN_USE');
    // The first run is taken for dead once its claim is older than the bound.
    await orm.em
      .fork()
      .execute(`update idempotency_record set claimed_at = now() - make_interval(secs => ?) where "key" = ?`, [
        STALE_CLAIM_MS / 1000 + 1,
        key,
      ]);
    gate = undefined;
    await expectProblem(post(key, { name: 'other' }), 409, 'IDEMPOTENCY_KEY_REUSED');
    const takeover = await post(key, { name: 'bench' });
    expect(takeover.status).toBe(201);
    // The handler is told it repeats a request whose first run may have done some of the work.
    expect(takeover.body.repeat).toBe(true);
    open();
    // The dead run's late answer does not replace the one the take-over stored.
    expect((await stuck).status).toBe(201);
    expectReplayOf(await post(key, { name: 'bench' }), takeover);
  });

  it('joins a repeat to the first run when the route says so: both run, the repeat is told so and its answer is kept', async () => {
    const key = randomUUID();
    const before = runs;
    const open = closeGate();
    const first = post(key, { name: 'lamp' }, 'caller-a', '/things/joined');
    await expect.poll(() => records(key)).toBe(1);
    const repeat = post(key, { name: 'lamp' }, 'caller-a', '/things/joined');
    await expect.poll(() => runs - before).toBe(2);
    open();
    const [a, b] = await Promise.all([first, repeat]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.repeat, b.body.repeat]).toEqual([false, true]);
    // The first run lost its claim to the repeat, so its late answer is not the one kept.
    expectReplayOf(await post(key, { name: 'lamp' }, 'caller-a', '/things/joined'), b);
    // Joining does not loosen the key's binding to its request.
    await expectProblem(post(key, { name: 'other' }, 'caller-a', '/things/joined'), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(runs - before).toBe(2);
  });

  it('keeps a joining route’s claim after a 503 whose outcome is to come, so the retry joins it; any other failure is released', async () => {
    const key = randomUUID();
    failNext = 'pending';
    expect((await post(key, { name: 'shelf' }, 'caller-a', '/things/joined')).status).toBe(503);
    expect(await records(key)).toBe(1);
    await expectProblem(post(key, { name: 'other' }, 'caller-a', '/things/joined'), 409, 'IDEMPOTENCY_KEY_REUSED');
    const joined = await post(key, { name: 'shelf' }, 'caller-a', '/things/joined');
    expect(joined.status).toBe(201);
    expect(joined.body.repeat).toBe(true);
    expectReplayOf(await post(key, { name: 'shelf' }, 'caller-a', '/things/joined'), joined);

    // A failure that left nothing under way (thrown, a plain 5xx) and a refusal of the request itself are released:
    // the retry is a new use of the key, whose work is its own.
    for (const failure of ['throw', 503, 429] as const) {
      const fresh = randomUUID();
      failNext = failure;
      const failed = await post(fresh, { name: 'shelf' }, 'caller-a', '/things/joined');
      expect(failed.status).toBe(failure === 'throw' ? 500 : failure);
      expect(await records(fresh)).toBe(0);
      const retry = await post(fresh, { name: 'shelf' }, 'caller-a', '/things/joined');
      expect(retry.status).toBe(201);
      expect(retry.body.repeat).toBe(false);
    }
  });

  it('names each use of a key: the same for a run that joins it, new once an earlier use was released', async () => {
    // A take-over keeps the use; a release and a new claim start another.
    const claim = { scope: 'caller-b', key: randomUUID(), requestHash: 'h', retentionMs: 60_000, staleClaimMs: 60_000 };
    const one = await claimKey(orm, claim);
    const joined = await claimKey(orm, { ...claim, joinPending: true });
    if (one.kind !== 'claimed' || joined.kind !== 'claimed') throw new Error('the key was not claimed');
    expect(joined.run).toBe(one.run);
    await releaseClaim(orm, claim.scope, claim.key, joined.claimId);
    const again = await claimKey(orm, claim);
    if (again.kind !== 'claimed') throw new Error('the key was not claimed again');
    expect(again.run).not.toBe(one.run);
  });

  it('forgets a key once its record has expired, and purges expired records', async () => {
    const key = randomUUID();
    const first = await post(key, { name: 'rug' });
    await orm.em.fork().execute(`update idempotency_record set expires_at = now() - interval '1 second' where "key" = ?`, [key]);
    const again = await post(key, { name: 'rug' });
    expect(again.status).toBe(201);
    expect(again.headers.get(REPLAYED)).toBeNull();
    expect(again.body.id).not.toBe(first.body.id);
    const [row] = await orm.em
      .fork()
      .execute<{ hours: number }[]>(
        `select extract(epoch from expires_at - created_at) / 3600 as hours from idempotency_record where "key" = ?`,
        [key],
      );
    expect(Number(row!.hours)).toBe(24);
    await orm.em.fork().execute(`update idempotency_record set expires_at = now() - interval '1 second' where "key" = ?`, [key]);
    expect(await purgeExpired(orm)).toBeGreaterThanOrEqual(1);
    expect(await records(key)).toBe(0);
  });
});

describe('idempotent routes through the gateway', () => {
  let platform: TestPlatform;
  let api: Caller;
  let users: Orm;
  let admin: string;
  let otherAdmin: string;
  const eventIds: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '60' });
    api = platform.api;
    users = await openServiceOrm(ormSettings('users', testConfig()), { migrate: false });
    admin = (await signIn(api, ADMIN.email, ADMIN.password)).accessToken;
    const email = uniqueEmail('admin-b');
    const made = await api('POST', '/users', { token: admin, body: { email, password: PASSWORD, name: 'Admin B', role: 'admin' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    otherAdmin = (await signIn(api, email)).accessToken;
  }, 120_000);

  afterAll(async () => {
    await users?.close();
    await platform?.stop();
  });

  afterEach(async () => {
    // Seats and money stay consistent for every event a story used.
    expect(await checkInvariants(platform.orms, { eventIds: eventIds.splice(0) })).toEqual([]);
  });

  const facts = (routingKey: string, eventId: string) =>
    count(platform.orms.events, `outbox_message where routing_key = ? and payload->'data'->>'eventId' = ?`, [routingKey, eventId]);

  it('registers one account per key; another body with the key is refused', async () => {
    const key = randomUUID();
    const body = { email: uniqueEmail('keyed'), password: PASSWORD, name: 'Keyed' };
    const first = await api('POST', '/auth/register', { body, headers: keyed(key) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expectReplayOf(await api('POST', '/auth/register', { body, headers: keyed(key) }), first);
    expect(await count(users, 'user_account where email = ?', [body.email])).toBe(1);
    await expectProblem(
      api('POST', '/auth/register', { body: { ...body, name: 'Other' }, headers: keyed(key) }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    // Without a key the same request is a new attempt, refused by the domain.
    await expectProblem(api('POST', '/auth/register', { body }), 409, 'EMAIL_TAKEN');
  });

  it('creates one venue and one event per key and caller, and runs each lifecycle step once', async () => {
    const venueKey = randomUUID();
    const layout = { name: `Hall ${randomUUID().slice(0, 8)}`, sections: [{ name: 'Floor', rows: [{ label: 'A', seats: 4 }] }] };
    const venue = await api('POST', '/venues', { token: admin, body: layout, headers: keyed(venueKey) });
    expect(venue.status, JSON.stringify(venue.body)).toBe(201);
    expectReplayOf(await api('POST', '/venues', { token: admin, body: layout, headers: keyed(venueKey) }), venue);
    expect(await count(platform.orms.events, 'venue where name = ?', [layout.name])).toBe(1);
    await expectProblem(
      api('POST', '/venues', { token: admin, body: { ...layout, name: 'Another hall' }, headers: keyed(venueKey) }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    const theirs = await api('POST', '/venues', { token: otherAdmin, body: layout, headers: keyed(venueKey) });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(venue.body.id);

    const eventKey = randomUUID();
    const draft = {
      venueId: venue.body.id,
      title: `Keyed ${randomUUID().slice(0, 8)}`,
      startsAt: new Date(Date.now() + 9 * 86_400_000).toISOString(),
    };
    const created = await api('POST', '/events', { token: admin, body: draft, headers: keyed(eventKey) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expectReplayOf(await api('POST', '/events', { token: admin, body: draft, headers: keyed(eventKey) }), created);
    expect(await count(platform.orms.events, 'event where title = ?', [draft.title])).toBe(1);
    await expectProblem(
      api('POST', '/events', { token: admin, body: { ...draft, title: 'Other' }, headers: keyed(eventKey) }),
      409,
      'IDEMPOTENCY_KEY_REUSED',
    );
    const eventId = created.body.id as string;
    eventIds.push(eventId);
    const section = venue.body.sections[0];
    await setPriceTiers(eventsCtx(platform.orms.events), eventId, 'EUR', [
      { sectionId: section.id, name: section.name, priceMinor: 2_500 },
    ]);

    const step = (name: string, key: string, body?: unknown) =>
      api('POST', `/events/${eventId}/${name}`, { token: admin, body, headers: keyed(key) });
    const publishKey = randomUUID();
    const published = await step('publish', publishKey);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expectReplayOf(await step('publish', publishKey), published);
    expect(await facts('event.published.v1', eventId)).toBe(1);
    // The key of one step is refused on another.
    await expectProblem(step('complete', publishKey), 409, 'IDEMPOTENCY_KEY_REUSED');

    // A domain refusal is an answer too: it is kept and replayed.
    const completeKey = randomUUID();
    const early = await expectProblem(step('complete', completeKey), 409, 'EVENT_NOT_STARTED');
    expectReplayOf(await step('complete', completeKey), early);

    const cancelKey = randomUUID();
    const cancelled = await step('cancel', cancelKey, { reason: 'the hall flooded' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expectReplayOf(await step('cancel', cancelKey, { reason: 'the hall flooded' }), cancelled);
    await expectProblem(step('cancel', cancelKey, { reason: 'another reason' }), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await facts('event.cancelled.v1', eventId)).toBe(1);
  });

  it('holds, pays and cancels once per key; another body is refused and another customer’s key is theirs', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    eventIds.push(event.eventId);
    const [a, b] = [await newCustomer(api, 'idem-a'), await newCustomer(api, 'idem-b')];
    const holdKey = randomUUID();
    const hold = (token: string, seat: string) =>
      api('POST', '/bookings', { token, body: { eventId: event.eventId, seats: [seat] }, headers: keyed(holdKey) });
    const held = await hold(a.accessToken, event.seatIds[0]!);
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expectReplayOf(await hold(a.accessToken, event.seatIds[0]!), held);
    // Before the shared layer, this answered the first booking without a word.
    await expectProblem(hold(a.accessToken, event.seatIds[1]!), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await count(platform.orms.bookings, 'booking where customer_id = ?', [a.id])).toBe(1);
    const theirs = await hold(b.accessToken, event.seatIds[1]!);
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
    expect(theirs.body.id).not.toBe(held.body.id);

    const bookingId = held.body.id as string;
    const payKey = randomUUID();
    const pay = () =>
      api('POST', `/bookings/${bookingId}/pay`, {
        token: a.accessToken,
        body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
        headers: keyed(payKey),
      });
    const paid = await pay();
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('CONFIRMED');
    expectReplayOf(await pay(), paid);
    expect(await count(platform.orms.payments, `payment where booking_id = ? and status = 'SUCCEEDED'`, [bookingId])).toBe(1);

    const cancelKey = randomUUID();
    const cancel = (token: string, id: string) => api('POST', `/bookings/${id}/cancel`, { token, headers: keyed(cancelKey) });
    const cancelled = await cancel(a.accessToken, bookingId);
    expect([200, 202], JSON.stringify(cancelled.body)).toContain(cancelled.status);
    expectReplayOf(await cancel(a.accessToken, bookingId), cancelled);
    expect(await count(platform.orms.payments, 'refund where payment_id = ?', [paid.body.paymentId])).toBe(1);
    const theirCancel = await cancel(b.accessToken, theirs.body.id);
    expect(theirCancel.status).toBe(200);
    expect(theirCancel.body.status).toBe('CANCELLED');

    // With its record gone (past retention), the key still names the same booking: the saga's own protection.
    await platform.orms.bookings.em.fork().execute(`delete from idempotency_record where "key" = ?`, [holdKey]);
    const late = await hold(a.accessToken, event.seatIds[0]!);
    expect(late.headers.get(REPLAYED)).toBeNull();
    expect(late.body.id).toBe(bookingId);
    expect(await count(platform.orms.bookings, 'booking where customer_id = ?', [a.id])).toBe(1);
  });

  it('refunds once per key; the shared layer refuses another amount, and the refund key guards across admins', async () => {
    const { bookingId } = await bookAndPay(platform, 'idem-refund');
    const [booking] = await platform.orms.bookings.em
      .fork()
      .execute<{ payment_id: string; event_id: string }[]>('select payment_id, event_id from booking where id = ?', [bookingId]);
    eventIds.push(booking!.event_id);
    const paymentId = booking!.payment_id;
    const key = randomUUID();
    const refund = (token: string, amountMinor: number) =>
      api('POST', `/payments/${paymentId}/refunds`, { token, body: { amountMinor, reason: 'goodwill' }, headers: keyed(key) });
    const first = await refund(admin, 500);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expectReplayOf(await refund(admin, 500), first);
    const reused = await expectProblem(refund(admin, 700), 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(reused.body.detail).toMatch(/another request/);
    // Another admin's key is theirs for the shared layer, but the refund it names is already made.
    const theirs = await refund(otherAdmin, 500);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get(REPLAYED)).toBeNull();
    expect(theirs.body.refund.id).toBe(first.body.refund.id);
    expect(await count(platform.orms.payments, 'refund where payment_id = ?', [paymentId])).toBe(1);
  });

  it('documents the key, its replays, its retention and its 409s on every idempotent route', async () => {
    const routes = {
      users: [['/auth/register', 'post']],
      events: [
        ['/venues', 'post'],
        ['/events', 'post'],
        ['/events/{id}/publish', 'post'],
        ['/events/{id}/cancel', 'post'],
        ['/events/{id}/complete', 'post'],
      ],
      bookings: [
        ['/bookings', 'post'],
        ['/bookings/{id}/pay', 'post'],
        ['/bookings/{id}/cancel', 'post'],
      ],
      payments: [['/payments/{id}/refunds', 'post']],
    } as const;
    for (const [service, paths] of Object.entries(routes)) {
      const doc = (await (
        await fetch(`http://127.0.0.1:${platform.services[service as keyof typeof routes].port}/openapi.json`)
      ).json()) as any;
      for (const [path, method] of paths) {
        const operation = doc.paths[path][method];
        const header = operation.parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key');
        expect(header?.description, `${service} ${path}`).toMatch(/same key.*gets the first answer again.*24 hours/s);
        const conflicts = operation.responses['409'].description as string;
        if (service === 'bookings') {
          // A repeat of a hold, pay or cancel joins the first request: it is never told the key is in use.
          expect(header?.description, path).toMatch(/joins it: it is not refused as IDEMPOTENCY_KEY_IN_USE/);
          expect(conflicts, path).toMatch(/IDEMPOTENCY_KEY_REUSED/);
          expect(conflicts, path).not.toMatch(/IDEMPOTENCY_KEY_IN_USE/);
        } else {
          expect(conflicts, `${service} ${path}`).toMatch(/IDEMPOTENCY_KEY_REUSED.*IDEMPOTENCY_KEY_IN_USE/);
        }
      }
    }
  });
});
