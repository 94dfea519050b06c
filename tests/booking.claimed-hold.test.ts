// The booking saga over a hold the bookings service claimed before it started the saga (BookingInput.claimedHold), on
// the real Temporal dev server over stub activities: the saga adopts the claim as its own hold (no hold step), answers
// the hold from its first workflow task, and every way out releases the claimed seats as it would seats it held.
// Then the hold route itself over the same saga, its claims sent to a stand-in events service: what a request whose
// client went away leaves held, how long a claim may take, and how many may be in flight.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { temporal as proto } from '@temporalio/proto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { MiddlewareHandler } from 'hono';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdWithStart } from '../api/bookings/booking-saga-client.ts';
import type { BookingsRouteDeps } from '../api/bookings/bookings.deps.ts';
import { CLAIM_LIMITS, holdHandler, type ClaimLimits } from '../api/bookings/holds.handlers.ts';
import { registerHoldRoutes } from '../api/bookings/holds.routes.ts';
import type { Transition } from '../activities/bookings.activities.ts';
import { createServiceApp } from '../common/http/service-app.ts';
import { createBookingMetrics } from '../domain/bookings/booking-metrics.ts';
import type { HoldResult } from '../domain/events/seats.ts';
import { bookingWorkflowId, cancelUpdate, payUpdate } from '../workflows/booking-messages.ts';
import type { BookingInput } from '../workflows/booking-types.ts';
import type { bookingWorkflow } from '../workflows/booking.workflow.ts';
import { testConfig, testLogger } from './support/context.ts';
import type { History } from './support/histories.ts';
import { createFailures } from './support/stub-failures.ts';
import { claimedBeforeStart, createStubServices, SEAT_PRICE_MINOR, stubBookingInput } from './support/stub-services.ts';
import { useStubTemporal } from './support/stub-temporal.ts';
import { until } from './support/wait.ts';

const HISTORIES = new URL('./histories/', import.meta.url);
const { EventType } = proto.api.enums.v1;

/** The activities the workflow scheduled on a task queue, in order (local activities are markers, not these). */
const scheduledActivities = (history: History) =>
  (history.events ?? []).flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType!.name!] : [],
  );

/** How many workflow tasks had completed when the first update (the hold) was answered. */
function tasksBeforeHoldAnswer(history: History): number {
  const events = history.events ?? [];
  const answered = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  expect(answered).toBeGreaterThan(0);
  return events.slice(0, answered).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
}

describe('the booking saga over a hold claimed before it started', { timeout: 15_000 }, () => {
  const stubs = createStubServices();
  const failures = createFailures();
  const { calls } = stubs;
  /** Told of every transition the saga records, before it is recorded. */
  let onTransition: (t: Transition) => void = () => undefined;
  const bookings = failures.wrap(stubs.bookings.activities);
  const temporal = useStubTemporal(() => ({
    events: failures.wrap(stubs.events.activities),
    payments: failures.wrap(stubs.payments.activities),
    bookings: {
      ...bookings,
      recordTransition: (t: Transition) => {
        onTransition(t);
        return bookings.recordTransition(t);
      },
    },
  }));

  const claimed = (overrides: Partial<BookingInput> = {}) => claimedBeforeStart(stubs, stubBookingInput(overrides));
  const hold = (input: BookingInput) => holdWithStart(temporal.client, input);
  const saga = (input: BookingInput) => temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(input.bookingId));
  const pay = (input: BookingInput) =>
    saga(input).executeUpdate(payUpdate, { args: [{ customerId: input.customerId, gateway: 'test', paymentMethod: 'pm_card_visa' }] });
  const cancel = (input: BookingInput) =>
    saga(input).executeUpdate(cancelUpdate, { args: [{ actor: `customer:${input.customerId}`, reason: 'cancelled by the customer' }] });
  const seatIdsOf = (input: BookingInput) => ('seatIds' in input.selection ? input.selection.seatIds : []);
  const seatsTaken = (input: BookingInput) => seatIdsOf(input).filter((id) => stubs.events.isTaken(id));
  /** The claim, made before the saga, is the only hold the events service was ever asked for. */
  const onlyTheClaim = (input: BookingInput) => expect(calls.of(input.bookingId, 'holdSeats')).toHaveLength(1);

  /** With RECORD_HISTORIES=1 an ended saga's history becomes a replay fixture (tests/workflow-replay.test.ts). */
  async function recorded(input: BookingInput, fixture: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    await saga(input).result();
    writeFileSync(new URL(`${fixture}.json`, HISTORIES), `${historyToJSON(await saga(input).fetchHistory())}\n`);
  }

  it('adopts the claimed hold: no hold step, the hold answered from the first workflow task, then paid and confirmed', async () => {
    // A ten-minute hold, as the service gives: it outlasts the charge's whole budget, so nothing extends it.
    const input = await claimed({ holdTtlMs: 600_000 });
    const answer = await hold(input);
    expect(answer).toMatchObject({
      ok: true,
      booking: {
        status: 'HELD',
        seats: input.claimedHold!.seats,
        amountMinor: 2 * SEAT_PRICE_MINOR,
        expiresAt: input.claimedHold!.expiresAt,
      },
    });
    onlyTheClaim(input);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD']);
    expect(tasksBeforeHoldAnswer(await saga(input).fetchHistory())).toBe(1);

    expect(await pay(input)).toMatchObject({ ok: true, booking: { status: 'CONFIRMED', failureCode: null } });
    expect((await saga(input).result()).status).toBe('CONFIRMED');
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'CONFIRMED']);
    onlyTheClaim(input);
    expect(calls.of(input.bookingId, 'releaseSeats')).toHaveLength(0);
    expect(scheduledActivities(await saga(input).fetchHistory())).toEqual(['chargePayment', 'confirmSeats']);
    await recorded(input, 'booking.claimed-hold-confirmed');
  });

  it('releases the claimed seats when the booking cannot be recorded at all: FAILED with BOOKING_NOT_RECORDED', async () => {
    const input = await claimed();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId);
    const answer = await hold(input);
    expect(answer).toMatchObject({ ok: false, code: 'BOOKING_NOT_RECORDED', kind: 'unavailable', booking: { status: 'FAILED' } });
    expect(answer.ok === false && answer.message).toContain('released');
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'BOOKING_NOT_RECORDED' });
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    onlyTheClaim(input);
    await recorded(input, 'booking.claimed-hold-not-recorded');
  });

  it('releases the claimed seats when the hold cannot be recorded: FAILED with HOLD_NOT_RECORDED', async () => {
    const input = await claimed();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId && t.to === 'HELD');
    expect(await hold(input)).toMatchObject({ ok: false, code: 'HOLD_NOT_RECORDED', booking: { status: 'FAILED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'HOLD_NOT_RECORDED' });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'FAILED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    onlyTheClaim(input);
  });

  it('releases the claimed seats when the hold is cancelled before payment', async () => {
    const input = await claimed();
    await hold(input);
    expect(seatsTaken(input)).toEqual(seatIdsOf(input));
    expect(await cancel(input)).toMatchObject({ status: 'CANCELLED', paymentId: null });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'CANCELLED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
  });

  it('releases the claimed seats when the claim lapses unpaid: EXPIRED at the expiry the claim carries', async () => {
    // The dev server fires timers at about one-second resolution: this test waits that long, whatever the TTL.
    const input = await claimed({ holdTtlMs: 300 });
    await hold(input);
    expect(await saga(input).result()).toMatchObject({ status: 'EXPIRED', expiresAt: input.claimedHold!.expiresAt });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'EXPIRED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
  });

  it('refunds a capture whose claimed seats cannot be sold, and releases them: REFUNDED with SEATS_NOT_CONFIRMED', async () => {
    const input = await claimed();
    failures.always('confirmSeats', (holdId) => holdId === input.bookingId);
    await hold(input);
    expect(await pay(input)).toMatchObject({ ok: false, code: 'SEATS_NOT_CONFIRMED', booking: { status: 'REFUNDED' } });
    expect(calls.of(input.bookingId, 'refundPayment')).toHaveLength(1);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    onlyTheClaim(input);
  });

  it('ends the saga with the claimed seats released when the bookings database is away after the claim', { timeout: 90_000 }, async () => {
    const input = await claimed();
    stubs.bookings.away(input.bookingId);
    // The PENDING write is asked again for its whole budget (past the workflow task timeout) and given up, the seats
    // are released, and the FAILED write a customer waits on is given up in its turn: the saga ends all the same.
    const answer = await hold(input);
    expect(answer).toMatchObject({ ok: false, code: 'BOOKING_NOT_RECORDED', kind: 'unavailable', booking: { status: 'FAILED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'BOOKING_NOT_RECORDED' });
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    expect(new Set(calls.statuses(input.bookingId))).toEqual(new Set(['PENDING', 'FAILED']));
    expect(calls.of(input.bookingId, 'recordTransition').length).toBeGreaterThan(2);
    expect(scheduledActivities(await saga(input).fetchHistory())).toEqual(['releaseSeats']);
    onlyTheClaim(input);
    stubs.bookings.back(input.bookingId);
  });

  it(
    'asks an outcome the worker could not write again as a regular activity, and writes it once the database is back',
    { timeout: 60_000 },
    async () => {
      const input = await claimed();
      await hold(input);
      stubs.bookings.away(input.bookingId);
      const cancelled = cancel(input);
      // The worker's own attempts gave up; the server now asks the write again, patiently.
      await until(async () => scheduledActivities(await saga(input).fetchHistory()).includes('recordTransition'), 45_000, 200);
      expect(seatsTaken(input)).toEqual([]);
      stubs.bookings.back(input.bookingId);
      expect(await cancelled).toMatchObject({ status: 'CANCELLED', failureCode: null });
      expect(calls.statuses(input.bookingId).at(-1)).toBe('CANCELLED');
      expect(scheduledActivities(await saga(input).fetchHistory())).toEqual(['releaseSeats', 'recordTransition']);
    },
  );
  describe('through the hold route, its claims sent to the events service', () => {
    const customerId = randomUUID();
    const eventId = randomUUID();
    /** Hold ids the events service was asked to claim, and to give back, in order. */
    const claims: string[] = [];
    const releases: string[] = [];
    /** Runs before each claim is answered: a test leaves, or keeps the events service busy, here. */
    let beforeClaimAnswer: () => Promise<void> | void = () => undefined;
    const events = createServer((req, res) => void claimRoutes(req, res));
    let eventsUrl = '';

    beforeAll(async () => {
      await new Promise<void>((resolve) => events.listen(0, '127.0.0.1', resolve));
      eventsUrl = `http://127.0.0.1:${(events.address() as AddressInfo).port}`;
    });
    afterAll(
      () =>
        new Promise<void>((done) => {
          events.close(() => done());
          events.closeAllConnections();
        }),
    );

    /** POST /internal/holds and /internal/holds/{id}/release of the events service, over the stub seats. */
    async function claimRoutes(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const release = /^\/internal\/holds\/([^/]+)\/release$/.exec(req.url ?? '');
      if (release) {
        const holdId = decodeURIComponent(release[1]!);
        releases.push(holdId);
        return answer(200, { holdId, ...(await stubs.events.activities.releaseSeats(holdId)) });
      }
      const request = JSON.parse(Buffer.concat(chunks).toString()) as Parameters<typeof stubs.events.activities.holdSeats>[0];
      claims.push(request.holdId);
      await beforeClaimAnswer();
      if (res.destroyed) return;
      answer(200, (await stubs.events.activities.holdSeats(request)) satisfies HoldResult);
    }

    /** The hold route of a bookings process: the stub saga behind it, every caller the same signed-in customer. */
    function holdRoute(limits: ClaimLimits = CLAIM_LIMITS) {
      const app = createServiceApp({
        name: 'bookings',
        description: 'hold route',
        logger: testLogger(),
        readiness: [],
        readyTimeoutMs: 1_000,
      });
      const asCustomer: MiddlewareHandler = async (c, next) => {
        c.set(
          'principal' as never,
          { userId: customerId, role: 'customer', sessionId: randomUUID(), expiresAt: new Date(Date.now() + 60_000) } as never,
        );
        await next();
      };
      const deps = {
        // No booking has a record yet: every hold is a new one; and no event has an on-sale (no waiting room).
        orm: { em: { fork: () => ({ findOne: () => Promise.resolve(null), execute: () => Promise.resolve([]) }) } },
        client: temporal.client,
        config: testConfig({ EVENTS_URLS: eventsUrl }),
        metrics: createBookingMetrics(new client.Registry()),
      } as unknown as BookingsRouteDeps;
      registerHoldRoutes(app, { signedIn: [asCustomer], money: [asCustomer], idempotent: (_c, next) => next() }, holdHandler(deps, limits));
      return (seats: string[], signal?: AbortSignal) =>
        app.request('/bookings', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ eventId, seats }),
          ...(signal ? { signal } : {}),
        });
    }

    const twoSeats = () => [randomUUID(), randomUUID()];
    const taken = (seats: string[]) => seats.filter((id) => stubs.events.isTaken(id));
    const sagaOf = (bookingId: string) => temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(bookingId));
    const problemOf = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { code?: string }).code });

    it('gives the claim back and starts no saga when a request without a key loses its client as its seats are claimed', async () => {
      const seats = twoSeats();
      const client = new AbortController();
      beforeClaimAnswer = () => client.abort();
      const res = await holdRoute()(seats, client.signal);
      beforeClaimAnswer = () => undefined;

      expect(await problemOf(res)).toEqual({ status: 409, code: 'REQUEST_ABANDONED' });
      const bookingId = claims.at(-1)!;
      expect(releases).toContain(bookingId);
      expect(taken(seats)).toEqual([]);
      await expect(sagaOf(bookingId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    });

    it('cancels the booking when a request without a key loses its client while its saga answers the hold', async () => {
      const seats = twoSeats();
      const client = new AbortController();
      onTransition = (t) => {
        if (t.bookingId === claims.at(-1) && t.to === 'PENDING') client.abort();
      };
      const res = await holdRoute()(seats, client.signal);
      onTransition = () => undefined;

      expect(await problemOf(res)).toEqual({ status: 409, code: 'REQUEST_ABANDONED' });
      const bookingId = claims.at(-1)!;
      expect(await sagaOf(bookingId).result()).toMatchObject({ status: 'CANCELLED' });
      expect(calls.of(bookingId, 'releaseSeats')).toEqual([[bookingId]]);
      expect(taken(seats)).toEqual([]);
    });

    it('answers 429 HOLDS_BUSY at once, claiming nothing, beyond the claims a process may have in flight', async () => {
      let answerClaims: () => void = () => undefined;
      const busy = new Promise<void>((resolve) => (answerClaims = resolve));
      beforeClaimAnswer = () => busy;
      const hold = holdRoute({ ...CLAIM_LIMITS, maxInFlight: 1 });
      const asked = claims.length;
      const first = hold(twoSeats());
      await until(() => claims.length === asked + 1, 5_000);

      const refused = await hold(twoSeats());
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ code: 'HOLDS_BUSY' });
      expect(claims.length).toBe(asked + 1);

      answerClaims();
      beforeClaimAnswer = () => undefined;
      expect((await first).status).toBe(201);
      // Its claim answered, the process takes the next one.
      expect((await hold(twoSeats())).status).toBe(201);
    });

    it('answers 503 SEAT_CLAIM_TIMEOUT, starts no saga and gives the claim back when the events service does not answer in time', async () => {
      let answerClaims: () => void = () => undefined;
      const slow = new Promise<void>((resolve) => (answerClaims = resolve));
      beforeClaimAnswer = () => slow;
      const started = Date.now();
      const res = await holdRoute({ ...CLAIM_LIMITS, timeoutMs: 300 })(twoSeats());
      beforeClaimAnswer = () => undefined;
      answerClaims();

      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ code: 'SEAT_CLAIM_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(5_000);
      const bookingId = claims.at(-1)!;
      expect(releases).toContain(bookingId);
      await expect(sagaOf(bookingId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    });
  });
});
