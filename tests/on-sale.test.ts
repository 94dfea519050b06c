// The on-sale's parts on their own: admission tokens and queue tickets bound to their account and event, the join
// limits, the settings copy each process keeps, the automatic rate, and the admitter's step against the bookings
// database with a stand-in events service (what it admits, when it says sold out).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnSaleActivities } from '../activities/on-sale.activities.ts';
import type { BookingsRouteDeps } from '../api/bookings/bookings.deps.ts';
import { CLAIM_LIMITS, holdHandler } from '../api/bookings/holds.handlers.ts';
import { registerHoldRoutes } from '../api/bookings/holds.routes.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { DomainError } from '../common/errors/domain-error.ts';
import { createServiceApp } from '../common/http/service-app.ts';
import {
  queueTicketIsFor,
  readAdmission,
  signAdmission,
  signQueueTicket,
  useAdmission,
  verifyAdmission,
} from '../domain/bookings/admission.ts';
import { createBookingMetrics } from '../domain/bookings/booking-metrics.ts';
import { onSaleCache, saveOnSale, type OnSaleRecord } from '../domain/bookings/on-sale.ts';
import { admitNext } from '../domain/bookings/queue-admitter.ts';
import { joinLimiter, joinQueue, readPlace } from '../domain/bookings/queue.ts';
import type { HoldAnswer } from '../workflows/booking-types.ts';
import { AUTO_RATE, automaticRate } from '../workflows/on-sale-messages.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';

const config = testConfig();

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'none';
}

const record = (eventId = randomUUID()): OnSaleRecord => ({
  eventId,
  opensAt: new Date(),
  waitingRoom: true,
  admissionRatePerMinute: 'auto',
  admissionTtlSeconds: 600,
  maxSeatsPerCustomer: null,
  joinsPerAddressPerMinute: 3,
  currentRatePerMinute: null,
  openedAt: null,
  soldOutAt: null,
  updatedAt: new Date(),
  tokenSecret: Buffer.from(randomUUID()).toString('base64url'),
});

describe('admission tokens and queue tickets', () => {
  it('accept only the account and event they were signed for, and tell an expired admission apart', async () => {
    const event = record();
    const [me, other] = [randomUUID(), randomUUID()];
    const admission = { customerId: me, eventId: event.eventId, admissionId: randomUUID(), expiresAt: new Date(Date.now() + 60_000) };
    const token = await signAdmission(event, admission);
    expect(await verifyAdmission(event, token, me)).toMatchObject({ admissionId: admission.admissionId, customerId: me });
    expect(await refusal(verifyAdmission(event, token, other))).toBe('ADMISSION_REQUIRED');
    expect(await refusal(verifyAdmission(record(), token, me))).toBe('ADMISSION_REQUIRED');
    // Another event signed with the same key still names its own event.
    expect(await refusal(verifyAdmission({ ...event, eventId: randomUUID() }, token, me))).toBe('ADMISSION_REQUIRED');
    expect(await refusal(verifyAdmission(event, undefined, me))).toBe('ADMISSION_REQUIRED');
    expect(await refusal(verifyAdmission(event, `${token.slice(0, -2)}AA`, me))).toBe('ADMISSION_REQUIRED');
    const lapsed = await signAdmission(event, { ...admission, expiresAt: new Date(Date.now() - 2_000) });
    expect(await refusal(verifyAdmission(event, lapsed, me))).toBe('ADMISSION_EXPIRED');
    // A lapsed token of another account is no admission of this one, expired or not.
    expect(await refusal(verifyAdmission(event, lapsed, other))).toBe('ADMISSION_REQUIRED');

    const ticket = await signQueueTicket(event, me, '42');
    expect(await queueTicketIsFor(event, ticket, me)).toBe(true);
    expect(await queueTicketIsFor(event, ticket, other)).toBe(false);
    // An admission token is no queue ticket, nor the other way round.
    expect(await queueTicketIsFor(event, token, me)).toBe(false);
    expect(await refusal(verifyAdmission(event, ticket, me))).toBe('ADMISSION_REQUIRED');
  });
});

describe('join limits', () => {
  it('count per address and per account in one-minute windows, answering when to come back', () => {
    let now = 0;
    const limiter = joinLimiter(() => now);
    const event = randomUUID();
    for (let i = 0; i < 3; i++) limiter.hit(event, '10.0.0.1', randomUUID(), 3);
    let refused: unknown;
    try {
      limiter.hit(event, '10.0.0.1', randomUUID(), 3);
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: 60 } });
    // Another address is counted on its own; the window's end lets the first one in again.
    limiter.hit(event, '10.0.0.2', randomUUID(), 3);
    now = 60_000;
    limiter.hit(event, '10.0.0.1', randomUUID(), 3);
    const account = randomUUID();
    expect(() => {
      for (let i = 0; i < 21; i++) limiter.hit(event, `10.1.0.${i}`, account, 100);
    }).toThrow(/account/);
  });
});

describe('the automatic rate', () => {
  it('starts at its start rate, then follows twice the holds made, within its bounds', () => {
    expect(automaticRate(10_000, 5_000)).toBe(AUTO_RATE.start);
    expect(automaticRate(120_000, 500)).toBe(1_000);
    expect(automaticRate(120_000, 0)).toBe(AUTO_RATE.min);
    expect(automaticRate(120_000, 1_000_000)).toBe(AUTO_RATE.max);
  });
});

describe('the on-sale in the bookings database', () => {
  let orm: Orm;
  let events: Server;
  let eventsUrl = '';
  let totals = { available: 0, held: 0 };
  let activities: ReturnType<typeof createOnSaleActivities>;

  const newEvent = async (change: Partial<Parameters<typeof saveOnSale>[2]> = {}) => {
    const eventId = randomUUID();
    await orm.em
      .fork()
      .execute(
        `insert into event_catalog (event_id, title, venue_name, starts_at, status, occurred_at) values (?, 'On-sale test', 'Hall', now() + interval '30 days', 'published', now())`,
        [eventId],
      );
    const { record: saved } = await saveOnSale(orm.em.fork(), eventId, {
      opensAt: new Date(Date.now() - 1_000),
      waitingRoom: true,
      admissionRatePerMinute: 'auto',
      admissionTtlSeconds: 600,
      maxSeatsPerCustomer: null,
      joinsPerAddressPerMinute: 30,
      ...change,
    });
    return saved;
  };

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
    events = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ totals }));
    });
    await new Promise<void>((resolve) => events.listen(0, '127.0.0.1', resolve));
    eventsUrl = `http://127.0.0.1:${(events.address() as AddressInfo).port}`;
    activities = createOnSaleActivities({ orm, eventsUrls: [eventsUrl] });
  });
  afterAll(async () => {
    await orm?.close();
    events?.close();
  });

  it('keeps one copy of an event’s settings per process for a moment, shared by the reads that come together', async () => {
    let now = 0;
    const saved = await newEvent();
    const cache = onSaleCache(orm, 1_000, () => now);
    const [a, b] = await Promise.all([cache.get(saved.eventId), cache.get(saved.eventId)]);
    expect(a).toBe(b);
    await saveOnSale(orm.em.fork(), saved.eventId, { ...saved, waitingRoom: false });
    expect((await cache.get(saved.eventId))!.waitingRoom).toBe(true);
    now = 1_000;
    expect((await cache.get(saved.eventId))!.waitingRoom).toBe(false);
    expect(await cache.get(randomUUID())).toBeNull();
  });

  it('admits no more customers than seats are free beyond the admissions outstanding, in rank order', async () => {
    const saved = await newEvent();
    const customers = Array.from({ length: 5 }, () => randomUUID());
    for (const customer of customers) await joinQueue(orm.em.fork(), saved, customer);
    totals = { available: 2, held: 0 };
    const first = await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 });
    expect([first.admitted, first.outstanding, first.waiting, first.soldOut]).toEqual([2, 2, 3, false]);
    // The two admitted still may take both seats: nothing more until one is used, lapses or a seat comes free.
    expect((await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 })).admitted).toBe(0);
    const places = await Promise.all(customers.map((c) => readPlace(orm.em.fork(), saved.eventId, c)));
    // Later arrivals (the opening had passed) are admitted in the order they joined.
    expect(places.map((p) => p!.state)).toEqual(['admitted', 'admitted', 'waiting', 'waiting', 'waiting']);
    expect(places.slice(2).map((p) => p!.position)).toEqual([1, 2, 3]);

    // An admission holds once: the second use by another booking is refused.
    const admission = {
      customerId: customers[0]!,
      eventId: saved.eventId,
      admissionId: places[0]!.admissionId!,
      expiresAt: places[0]!.expiresAt!,
    };
    const bookingId = randomUUID();
    await useAdmission(orm.em.fork(), admission, bookingId);
    await useAdmission(orm.em.fork(), admission, bookingId);
    expect(await refusal(useAdmission(orm.em.fork(), admission, randomUUID()))).toBe('ADMISSION_USED');
  });

  it('turns everyone still waiting sold out in one step once no seat is free or held, and not while one is held', async () => {
    const saved = await newEvent({ opensAt: new Date(Date.now() + 60_000) });
    const customers = Array.from({ length: 4 }, () => randomUUID());
    for (const customer of customers) await joinQueue(orm.em.fork(), saved, customer);
    expect((await readPlace(orm.em.fork(), saved.eventId, customers[0]!))!.state).toBe('pre_queue');
    await saveOnSale(orm.em.fork(), saved.eventId, { ...saved, opensAt: new Date(Date.now() - 1_000) });
    totals = { available: 0, held: 1 };
    const held = await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 });
    expect([held.ranked, held.admitted, held.soldOut, held.waiting]).toEqual([4, 0, false, 4]);
    totals = { available: 0, held: 0 };
    const sold = await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 });
    expect([sold.soldOut, sold.waiting]).toEqual([true, 0]);
    const places = await Promise.all(customers.map((c) => readPlace(orm.em.fork(), saved.eventId, c)));
    expect(places.map((p) => p!.state)).toEqual(['sold_out', 'sold_out', 'sold_out', 'sold_out']);
    expect(await refusal(joinQueue(orm.em.fork(), saved, randomUUID()))).toBe('EVENT_SOLD_OUT');
  });

  /** Ends the admission of a place now (as if its time had run out), without waiting for it. */
  const lapse = (eventId: string, customerId: string) =>
    orm.em
      .fork()
      .execute(`update queue_entry set expires_at = now() - interval '1 second' where event_id = ? and customer_id = ?`, [
        eventId,
        customerId,
      ]);

  it('gives a place whose admission expired unused a new one at the back when it joins again, and keeps a live place as it is', async () => {
    const saved = await newEvent();
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    const joined = await joinQueue(orm.em.fork(), saved, first);
    for (const customer of [second, third]) await joinQueue(orm.em.fork(), saved, customer);
    expect(await admitNext(orm.em.fork(), saved.eventId, 1, 600)).toBe(1);
    const admitted = (await readPlace(orm.em.fork(), saved.eventId, first))!;
    expect(admitted.state).toBe('admitted');
    // One place per account: a live place is answered as it is.
    const live = await joinQueue(orm.em.fork(), saved, first);
    expect([live.created, live.place.seq, live.place.state]).toEqual([false, joined.place.seq, 'admitted']);

    await lapse(saved.eventId, first);
    expect((await readPlace(orm.em.fork(), saved.eventId, first))!.state).toBe('expired');
    const again = await joinQueue(orm.em.fork(), saved, first);
    expect(again.created).toBe(true);
    expect([again.place.state, again.place.position, again.place.admissionId, again.place.expiresAt]).toEqual(['waiting', 3, null, null]);
    // A new arrival number (its queue ticket names it), behind everyone who was there.
    const last = (await readPlace(orm.em.fork(), saved.eventId, third))!;
    expect(BigInt(again.place.seq)).toBeGreaterThan(BigInt(last.seq));
    expect(again.place.joinedAt.getTime()).toBeGreaterThan(last.joinedAt.getTime());
    // Another device joining now finds that new place; the old admission holds nothing.
    const same = await joinQueue(orm.em.fork(), saved, first);
    expect([same.created, same.place.seq]).toEqual([false, again.place.seq]);
    const old = { customerId: first, eventId: saved.eventId, admissionId: admitted.admissionId!, expiresAt: admitted.expiresAt! };
    expect(await refusal(useAdmission(orm.em.fork(), old, randomUUID()))).toBe('ADMISSION_REQUIRED');
    expect(await refusal(useAdmission(orm.em.fork(), { ...old, lapsed: true }, randomUUID()))).toBe('ADMISSION_EXPIRED');

    // An admission the admitter has swept as expired is the same: the next in line is admitted, and joins again behind.
    expect(await admitNext(orm.em.fork(), saved.eventId, 1, 600)).toBe(1);
    await lapse(saved.eventId, second);
    totals = { available: 5, held: 0 };
    expect(await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 0, ratePerMinute: 600 })).toMatchObject({ expired: 1 });
    const behind = await joinQueue(orm.em.fork(), saved, second);
    expect([behind.created, behind.place.state, behind.place.position]).toEqual([true, 'waiting', 3]);
  });

  it('takes no join once the event is cancelled or completed, or its waiting room is off, even from an account with a place', async () => {
    const saved = await newEvent();
    const [placed, late] = [randomUUID(), randomUUID()];
    await joinQueue(orm.em.fork(), saved, placed);
    await saveOnSale(orm.em.fork(), saved.eventId, { ...saved, waitingRoom: false });
    expect(await refusal(joinQueue(orm.em.fork(), saved, placed))).toBe('WAITING_ROOM_OFF');
    expect(await refusal(joinQueue(orm.em.fork(), saved, late))).toBe('WAITING_ROOM_OFF');
    await saveOnSale(orm.em.fork(), saved.eventId, { ...saved, waitingRoom: true });
    for (const status of ['cancelled', 'completed']) {
      await orm.em.fork().execute('update event_catalog set status = ? where event_id = ?', [status, saved.eventId]);
      expect(await refusal(joinQueue(orm.em.fork(), saved, placed))).toBe('EVENT_NOT_ON_SALE');
      expect(await refusal(joinQueue(orm.em.fork(), saved, late))).toBe('EVENT_NOT_ON_SALE');
    }
    expect(await readPlace(orm.em.fork(), saved.eventId, late)).toBeNull();
  });

  it('removes an event from the queue-length gauge once its admitter’s last step has run', async () => {
    const registry = new client.Registry();
    const measured = createOnSaleActivities({ orm, eventsUrls: [eventsUrl], metrics: createBookingMetrics(registry) });
    const saved = await newEvent();
    for (let i = 0; i < 2; i++) await joinQueue(orm.em.fork(), saved, randomUUID());
    totals = { available: 0, held: 1 };
    await measured.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 });
    expect(await registry.metrics()).toContain(`eventix_queue_length{event="${saved.eventId}"} 2`);
    totals = { available: 0, held: 0 };
    expect((await measured.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 })).soldOut).toBe(true);
    expect(await registry.metrics()).not.toContain(saved.eventId);
  });

  it('accepts a lapsed admission token only for the booking that used it', async () => {
    const saved = await newEvent();
    const customerId = randomUUID();
    await joinQueue(orm.em.fork(), saved, customerId);
    await admitNext(orm.em.fork(), saved.eventId, 1, 600);
    const place = (await readPlace(orm.em.fork(), saved.eventId, customerId))!;
    const admission = { customerId, eventId: saved.eventId, admissionId: place.admissionId!, expiresAt: place.expiresAt! };
    const bookingId = randomUUID();
    await useAdmission(orm.em.fork(), admission, bookingId);
    await lapse(saved.eventId, customerId);
    const token = await signAdmission(saved, { ...admission, expiresAt: new Date(Date.now() - 2_000) });
    const presented = await readAdmission(saved, token, customerId);
    expect(presented).toMatchObject({ admissionId: admission.admissionId, lapsed: true });
    await useAdmission(orm.em.fork(), presented, bookingId);
    expect(await refusal(useAdmission(orm.em.fork(), presented, randomUUID()))).toBe('ADMISSION_USED');
    expect(await refusal(readAdmission(saved, token, randomUUID()))).toBe('ADMISSION_REQUIRED');
  });

  describe('through the hold route, its claims and saga stood in for', () => {
    let claimsServer: Server;
    let claimsUrl = '';
    /** How the stand-in events service answers the next claims: held, the seats taken, or not at all. */
    let claimAnswer: 'held' | 'taken' | 'silent' = 'held';
    /** How the stand-in Temporal answers the start of a saga with its hold; whether it then says the saga exists. */
    let sagaAnswer: () => Promise<HoldAnswer> = () => Promise.resolve(heldAnswer());
    let sagaExists = false;

    const view = () => ({
      bookingId: randomUUID(),
      status: 'HELD' as const,
      customerId: randomUUID(),
      eventId: randomUUID(),
      seats: [],
      amountMinor: 0,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      paymentId: null,
      failureCode: null,
    });
    const heldAnswer = (): HoldAnswer => ({ ok: true, booking: view() });

    async function claimRoutes(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url?.endsWith('/release')) return answer(200, {});
      const claim = JSON.parse(Buffer.concat(chunks).toString()) as { holdId: string; eventId: string; until: string };
      if (claimAnswer === 'silent') return;
      if (claimAnswer === 'taken') return answer(409, { code: 'SEATS_UNAVAILABLE', detail: 'Some seats are taken.' });
      answer(200, { holdId: claim.holdId, eventId: claim.eventId, expiresAt: claim.until, seats: [], totalMinor: 0, currency: 'EUR' });
    }

    const temporal = {
      withDeadline: (_deadline: number, call: () => Promise<unknown>) => call(),
      workflow: {
        executeUpdateWithStart: () => sagaAnswer(),
        getHandle: (workflowId: string) => ({
          describe: () =>
            sagaExists ? Promise.resolve({ workflowId }) : Promise.reject(new WorkflowNotFoundError('not found', workflowId, undefined)),
          signal: () => Promise.resolve(),
        }),
      },
    } as unknown as Client;

    beforeAll(async () => {
      claimsServer = createServer((req, res) => void claimRoutes(req, res));
      await new Promise<void>((resolve) => claimsServer.listen(0, '127.0.0.1', resolve));
      claimsUrl = `http://127.0.0.1:${(claimsServer.address() as AddressInfo).port}`;
    });
    afterAll(
      () =>
        new Promise<void>((done) => {
          claimsServer.close(() => done());
          claimsServer.closeAllConnections();
        }),
    );

    /** The hold route of a bookings process over the real bookings database; the saga answers within 300 ms or is pending. */
    function holdRoute(claimTimeoutMs = CLAIM_LIMITS.timeoutMs) {
      const app = createServiceApp({
        name: 'bookings',
        description: 'hold route',
        logger: testLogger(),
        readiness: [],
        readyTimeoutMs: 1_000,
      });
      let customerId = '';
      const asCustomer: MiddlewareHandler = async (c, next) => {
        c.set('principal' as never, { userId: customerId, role: 'customer', sessionId: randomUUID() } as never);
        await next();
      };
      const deps = {
        orm,
        client: temporal,
        config: testConfig({ EVENTS_URLS: claimsUrl, BOOKING_SAGA_ANSWER_MS: '300' }),
        metrics: createBookingMetrics(new client.Registry()),
      } as unknown as BookingsRouteDeps;
      const limits = { ...CLAIM_LIMITS, timeoutMs: claimTimeoutMs };
      registerHoldRoutes(app, { signedIn: [asCustomer], money: [asCustomer], idempotent: (_c, next) => next() }, holdHandler(deps, limits));
      return async (customer: string, body: Record<string, unknown>, key?: string) => {
        customerId = customer;
        const res = await app.request('/bookings', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
          body: JSON.stringify(body),
        });
        return [res.status, ((await res.json()) as { code?: string }).code ?? null] as const;
      };
    }

    /** A customer admitted to a new on-sale's waiting room, with the token of the admission. */
    async function admittedCustomer(change: Partial<Parameters<typeof saveOnSale>[2]> = {}, ttlSeconds = 600) {
      const saved = await newEvent(change);
      const customerId = randomUUID();
      await joinQueue(orm.em.fork(), saved, customerId);
      await admitNext(orm.em.fork(), saved.eventId, 1, ttlSeconds);
      const place = (await readPlace(orm.em.fork(), saved.eventId, customerId))!;
      const admission = { customerId, eventId: saved.eventId, admissionId: place.admissionId!, expiresAt: place.expiresAt! };
      const token = await signAdmission(saved, admission);
      const state = async () => (await readPlace(orm.em.fork(), saved.eventId, customerId))!.state;
      return { saved, customerId, token, state, expiresAt: place.expiresAt! };
    }

    it('checks the admission token before the seats it may hold', async () => {
      const { saved, customerId, token, state } = await admittedCustomer({ maxSeatsPerCustomer: 1 });
      const hold = holdRoute();
      const seats = [randomUUID(), randomUUID()];
      expect(await hold(customerId, { eventId: saved.eventId, seats })).toEqual([403, 'ADMISSION_REQUIRED']);
      expect(await hold(customerId, { eventId: saved.eventId, seats, admissionToken: `${token}x` })).toEqual([403, 'ADMISSION_REQUIRED']);
      expect(await hold(customerId, { eventId: saved.eventId, seats, admissionToken: token })).toEqual([422, 'ADMISSION_SEAT_LIMIT']);
      expect(await state()).toBe('admitted');
    });

    it('gives the admission back after any hold that came to no booking, and uses it for the one that did', async () => {
      const { saved, customerId, token, state } = await admittedCustomer();
      const body = { eventId: saved.eventId, seats: [randomUUID()], admissionToken: token };
      try {
        claimAnswer = 'silent';
        expect(await holdRoute(200)(customerId, body)).toEqual([503, 'SEAT_CLAIM_TIMEOUT']);
        expect(await state()).toBe('admitted');
        claimAnswer = 'taken';
        expect(await holdRoute()(customerId, body)).toEqual([409, 'SEATS_UNAVAILABLE']);
        expect(await state()).toBe('admitted');
        claimAnswer = 'held';
        // The saga refused the hold and ended, holding nothing.
        sagaAnswer = () =>
          Promise.resolve({ ok: false, code: 'HOLD_FAILED', kind: 'unavailable', message: 'no hold', booking: view(), seatIds: [] });
        expect(await holdRoute()(customerId, body)).toEqual([503, 'HOLD_FAILED']);
        expect(await state()).toBe('admitted');
        // The saga could not be started, and Temporal says it does not exist.
        sagaAnswer = () => Promise.reject(new Error('the start was refused'));
        expect(await holdRoute()(customerId, body)).toEqual([500, 'INTERNAL_ERROR']);
        expect(await state()).toBe('admitted');
        // Not started, as far as anyone can tell, but Temporal says it runs: its booking may exist, the admission stays with it.
        sagaExists = true;
        expect(await holdRoute()(customerId, body, randomUUID())).toEqual([500, 'INTERNAL_ERROR']);
        expect(await state()).toBe('used');
      } finally {
        claimAnswer = 'held';
        sagaAnswer = () => Promise.resolve(heldAnswer());
        sagaExists = false;
      }
      const other = await admittedCustomer();
      expect(await holdRoute()(other.customerId, { ...body, eventId: other.saved.eventId, admissionToken: other.token })).toEqual([
        201,
        null,
      ]);
      expect(await other.state()).toBe('used');
    });

    it('keeps the admission for a booking whose outcome is pending, and answers its retry with the same key after the admission’s expiry', async () => {
      const { saved, customerId, token, state, expiresAt } = await admittedCustomer({}, 3);
      const body = { eventId: saved.eventId, seats: [randomUUID()], admissionToken: token };
      const key = randomUUID();
      const hold = holdRoute();
      try {
        sagaAnswer = () => new Promise<never>(() => undefined);
        expect(await hold(customerId, body, key)).toEqual([503, 'BOOKING_OUTCOME_PENDING']);
      } finally {
        sagaAnswer = () => Promise.resolve(heldAnswer());
      }
      expect(await state()).toBe('used');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt.getTime() - Date.now()) + 1_100));
      // The same key joins its booking, its admission lapsed or not; another key finds the admission used.
      expect(await hold(customerId, body, key)).toEqual([201, null]);
      expect(await hold(customerId, body, randomUUID())).toEqual([403, 'ADMISSION_USED']);
      expect(await hold(customerId, body)).toEqual([403, 'ADMISSION_USED']);
    });
  });
});
