// A retried hold, pay or cancel gets what happened, through the gateway against the real Temporal, PostgreSQL and
// workers: a repeat while the first request runs or after its process died joins it, a repeat after the saga ended gets
// its own outcome and never a 409 for its own success, and a saga that cannot answer in time is a 503 that a retry with
// the same key turns into the outcome.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyedUpdateId } from '../api/bookings/booking-saga-client.ts';
import { IDEMPOTENCY_RETENTION_HOURS, STALE_CLAIM_MS, hashRequest } from '../common/http/idempotency.ts';
import { claimKey } from '../common/http/idempotency-store.ts';
import { connectTemporal, type Temporal } from '../common/temporal/temporal.ts';
import { checkInvariants } from '../domain/invariants.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import type { TestGateway } from '../domain/payments/gateways/test-gateway.ts';
import { bookingWorkflowId, payUpdate } from '../workflows/booking-messages.ts';
import type { bookingWorkflow } from '../workflows/booking.workflow.ts';
import { startService, testConfig, testLogger } from './support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import { caller, type Answer, type Caller } from './support/http.ts';
import { startPlatformWithWorkerProcess, type PlatformWithWorkerProcess } from './support/platform.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { newCustomer } from './support/users.ts';
import { until } from './support/wait.ts';

/** The saga bound of the bookings API here, well below the gateway's upstream timeout (which the old hang reached). */
const SAGA_ANSWER_MS = 3_000;
const ENV = { BOOKING_HOLD_TTL_SECONDS: '60', TEST_GATEWAY_SLOW_MS: '1500', UPSTREAM_TIMEOUT_MS: '10000' };
const REPLAYED = 'idempotent-replayed';
const CARD = { gateway: 'test', paymentMethod: 'pm_card_visa' };

describe('retried holds, payments and cancellations', () => {
  let platform: PlatformWithWorkerProcess;
  let api: Caller;
  let temporal: Temporal;
  let ledger: TestGateway;
  const events: string[] = [];

  beforeAll(async () => {
    // The bookings API answers HTTP here; its worker (the sagas) runs in a process of its own that a test kills.
    platform = await startPlatformWithWorkerProcess('bookings', ENV, { bookings: { BOOKING_SAGA_ANSWER_MS: String(SAGA_ANSWER_MS) } });
    api = platform.api;
    temporal = await connectTemporal(testConfig());
    ledger = paymentsContext(testConfig(), platform.orms.payments).gateways.get('test') as TestGateway;
  }, 120_000);

  afterAll(async () => {
    await temporal?.close();
    await platform?.stop();
  });

  afterEach(async () => {
    // Seats and money agree for every event a story used, however often its requests were sent.
    expect(await checkInvariants(platform.orms, { eventIds: events.splice(0) })).toEqual([]);
  });

  async function onSale(): Promise<TestEvent> {
    const event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'A', seats: 10 }] }]);
    events.push(event.eventId);
    return event;
  }

  const keyed = (key: string | undefined): Record<string, string> => (key === undefined ? {} : { 'idempotency-key': key });
  const hold = (token: string, eventId: string, seat: string, key?: string) =>
    api('POST', '/bookings', { token, body: { eventId, seats: [seat] }, headers: keyed(key) });
  const pay = (token: string, id: string, key?: string, body: object = CARD) =>
    api('POST', `/bookings/${id}/pay`, { token, body, headers: keyed(key) });
  const cancel = (token: string, id: string, key?: string) => api('POST', `/bookings/${id}/cancel`, { token, headers: keyed(key) });
  const captures = async (bookingId: string) =>
    (await ledger.ledger({ idempotencyKeyPrefix: bookingId })).filter((op) => op.outcome === 'captured').length;
  const statusOf = async (token: string, id: string) => (await api('GET', `/bookings/${id}`, { token })).body.status as string;
  const sagaEnded = (bookingId: string) => temporal.client.workflow.getHandle(bookingWorkflowId(bookingId)).result();

  /** A keyed request's idempotency record as a process that died before storing its answer leaves it: claimed, pending. */
  const leavePending = (key: string) =>
    platform.orms.bookings.em
      .fork()
      .execute(`update idempotency_record set state = 'pending', status = null, headers = null, body = null where "key" = ?`, [key]);
  const forget = (key: string) => platform.orms.bookings.em.fork().execute(`delete from idempotency_record where "key" = ?`, [key]);

  async function held(tag: string) {
    const event = await onSale();
    const customer = await newCustomer(api, tag);
    const answer = await hold(customer.accessToken, event.eventId, event.seatIds[0]!);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return { event, customer, bookingId: answer.body.id as string };
  }

  function expectPending(answer: Answer, bookingId: string, requestPath: string): void {
    expect(answer.status, JSON.stringify(answer.body)).toBe(503);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'BOOKING_OUTCOME_PENDING', bookingId, booking: `/bookings/${bookingId}` });
    expect(answer.body.detail).toMatch(/may still complete.*same Idempotency-Key/);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    // Relative to the request's own URL: it names the booking under the gateway's prefix too.
    const requested = new URL(`${platform.gatewayUrl}/api/v1${requestPath}`);
    expect(new URL(answer.headers.get('location')!, requested).pathname).toBe(`/api/v1/bookings/${bookingId}`);
  }

  /** Sends the request again while it answers 503 BOOKING_OUTCOME_PENDING, as its Retry-After says. */
  async function retryWhilePending(send: () => Promise<Answer>, attempts = 20): Promise<Answer> {
    for (let i = 1; ; i++) {
      const answer = await send();
      if (answer.status !== 503 || answer.body.code !== 'BOOKING_OUTCOME_PENDING' || i === attempts) return answer;
      await new Promise((r) => setTimeout(r, Number(answer.headers.get('retry-after')) * 1000));
    }
  }

  it('answers two concurrent pays with one key both with the payment, charged once', async () => {
    const { customer, bookingId } = await held('join-pay');
    const key = randomUUID();
    // The slow card answers after 1.5 s, so the second request arrives while the first still waits for the saga.
    const slow = { gateway: 'test', paymentMethod: 'pm_card_visa_slow' };
    const first = pay(customer.accessToken, bookingId, key, slow);
    await until(async () => (await statusOf(customer.accessToken, bookingId)) === 'PAYING', 10_000, 50);
    const both = await Promise.all([first, pay(customer.accessToken, bookingId, key, slow)]);
    for (const answer of both) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.status).toBe('CONFIRMED');
    }
    expect(both[1].body.paymentId).toBe(both[0].body.paymentId);
    expect(await captures(bookingId)).toBe(1);
    // The joining request's answer was kept: a later repeat is its replay.
    const replay = await pay(customer.accessToken, bookingId, key, slow);
    expect(replay.headers.get(REPLAYED)).toBe('true');
    expect(replay.body.status).toBe('CONFIRMED');
  });

  /** Claims a pay's key as the middleware does for a process that then dies: the claim stays pending. */
  async function claimPayAsADeadProcess(customerId: string, bookingId: string, key: string): Promise<string> {
    const claim = await claimKey(platform.orms.bookings, {
      scope: customerId,
      key,
      requestHash: hashRequest('POST', `/bookings/${bookingId}/pay`, new TextEncoder().encode(JSON.stringify(CARD)).buffer),
      retentionMs: IDEMPOTENCY_RETENTION_HOURS * 3_600_000,
      staleClaimMs: STALE_CLAIM_MS,
    });
    if (claim.kind !== 'claimed') throw new Error(`the key was not claimed: ${claim.kind}`);
    return claim.run;
  }

  it('answers a pay whose first run died after paying with the payment, not 409, once the saga has ended', async () => {
    const { customer, bookingId } = await held('dead-pay');
    const key = randomUUID();
    // The dead process claimed the key as the middleware does, then sent its pay to the saga under the update id
    // every instance derives from the caller and the key, and died before answering.
    const run = await claimPayAsADeadProcess(customer.id, bookingId, key);
    const updateId = keyedUpdateId('pay', customer.id, key, run);
    const saga = temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(bookingId));
    const paid = await saga.executeUpdate(payUpdate, { args: [{ customerId: customer.id, ...CARD }], updateId });
    expect(paid).toMatchObject({ ok: true, booking: { status: 'CONFIRMED' } });
    await sagaEnded(bookingId);

    const retry = await pay(customer.accessToken, bookingId, key);
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body).toMatchObject({ id: bookingId, status: 'CONFIRMED' });
    expect(await captures(bookingId)).toBe(1);
    // Without the key the same pay is another request, told the booking's status.
    const unkeyed = await pay(customer.accessToken, bookingId);
    expect(unkeyed.status).toBe(409);
    expect(unkeyed.body).toMatchObject({ code: 'BOOKING_NOT_HELD', detail: expect.stringContaining('CONFIRMED') });
  });

  it('runs a pay whose first run died before reaching the saga once its retry comes, without waiting for the claim to age', async () => {
    const { customer, bookingId } = await held('dead-early');
    const key = randomUUID();
    await claimPayAsADeadProcess(customer.id, bookingId, key);
    const retry = await pay(customer.accessToken, bookingId, key);
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body.status).toBe('CONFIRMED');
    expect(await captures(bookingId)).toBe(1);
  });

  it('answers a pay retried after its answer was lost with the payment, and one past the key’s retention with the status', async () => {
    const { customer, bookingId } = await held('lost-pay');
    const key = randomUUID();
    const first = await pay(customer.accessToken, bookingId, key);
    expect(first.body.status).toBe('CONFIRMED');
    await sagaEnded(bookingId);
    await leavePending(key);
    const repeat = await pay(customer.accessToken, bookingId, key);
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(repeat.body).toMatchObject({ status: 'CONFIRMED', paymentId: first.body.paymentId });
    // Past the record's retention the key starts a new request, told the booking's status; nothing is charged again.
    await forget(key);
    const late = await pay(customer.accessToken, bookingId, key);
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body).toMatchObject({ code: 'BOOKING_NOT_HELD', detail: expect.stringContaining('CONFIRMED') });
    expect(await captures(bookingId)).toBe(1);
  });

  it('answers a cancel repeated after its answer was lost with the cancelled booking', async () => {
    const { event, customer, bookingId } = await held('lost-cancel');
    const key = randomUUID();
    const first = await cancel(customer.accessToken, bookingId, key);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('CANCELLED');
    await sagaEnded(bookingId);
    // The process died after the saga cancelled, before it stored the answer.
    await leavePending(key);
    const repeat = await cancel(customer.accessToken, bookingId, key);
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(repeat.body).toMatchObject({ id: bookingId, status: 'CANCELLED' });
    // Another cancel (without a key, with another one, or with this one past its retention) is told there is nothing
    // left to cancel.
    await forget(key);
    for (const other of [undefined, randomUUID(), key]) {
      const refused = await cancel(customer.accessToken, bookingId, other);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'BOOKING_NOT_CANCELLABLE', detail: expect.stringContaining('CANCELLED') });
    }
    const seats = (await api('GET', `/events/${event.eventId}/seats`)).body.seats as { seatId: string; status: string }[];
    expect(seats.find((s) => s.seatId === event.seatIds[0])!.status).toBe('available');
  });

  it('answers the repeat of a lost cancel of a confirmed booking with its refund, not 409', async () => {
    const { customer, bookingId } = await held('lost-refund');
    expect((await pay(customer.accessToken, bookingId)).body.status).toBe('CONFIRMED');
    const key = randomUUID();
    const first = await cancel(customer.accessToken, bookingId, key);
    expect([200, 202], JSON.stringify(first.body)).toContain(first.status);
    await temporal.client.workflow.getHandle(`booking-cancellation-${bookingId}`).result();
    await until(async () => (await statusOf(customer.accessToken, bookingId)) === 'REFUNDED', 20_000, 200);
    await leavePending(key);
    const repeat = await cancel(customer.accessToken, bookingId, key);
    expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
    expect(repeat.body).toMatchObject({ id: bookingId, status: 'REFUNDED' });
    const refused = await cancel(customer.accessToken, bookingId);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('BOOKING_NOT_CANCELLABLE');
  });

  it('answers 503 with the booking when the saga cannot answer in time, and the retry with the key gets the outcome', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'no-worker');
    const paying = await hold(customer.accessToken, event.eventId, event.seatIds[1]!);
    expect(paying.status, JSON.stringify(paying.body)).toBe(201);
    await platform.worker.kill();
    let restarted = false;
    try {
      const holdKey = randomUUID();
      const started = Date.now();
      const pendingHold = await hold(customer.accessToken, event.eventId, event.seatIds[0]!, holdKey);
      console.log(`hold with the bookings worker down answered ${pendingHold.status} after ${Date.now() - started} ms`);
      const bookingId = pendingHold.body.bookingId as string;
      expectPending(pendingHold, bookingId, '/bookings');

      const payKey = randomUUID();
      const pendingPay = await pay(customer.accessToken, paying.body.id, payKey);
      expectPending(pendingPay, paying.body.id, `/bookings/${paying.body.id}/pay`);

      await platform.restartWorker();
      restarted = true;
      const heldLater = await retryWhilePending(() => hold(customer.accessToken, event.eventId, event.seatIds[0]!, holdKey));
      expect(heldLater.status, JSON.stringify(heldLater.body)).toBe(201);
      expect(heldLater.body).toMatchObject({ id: bookingId, status: 'HELD' });
      const paidLater = await retryWhilePending(() => pay(customer.accessToken, paying.body.id, payKey));
      expect(paidLater.status, JSON.stringify(paidLater.body)).toBe(200);
      expect(paidLater.body.status).toBe('CONFIRMED');
      expect(await captures(paying.body.id)).toBe(1);
      // The hold nobody pays is released at its expiry like any other; here it is cancelled to end the story.
      expect((await cancel(customer.accessToken, bookingId)).body.status).toBe('CANCELLED');
    } finally {
      if (!restarted) await platform.restartWorker();
    }
  }, 90_000);

  it('answers 503 with Retry-After when Temporal cannot be reached at all, and holds once it can', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'no-temporal');
    const [host, port] = testConfig().temporal.address.split(':');
    const relay = await startTcpProxy({ host: host!, port: Number(port) });
    // A bookings API instance of its own, reaching Temporal through a relay the test cuts (connections refused).
    const instance = await startService(
      'bookings',
      testConfig({
        ...ENV,
        ...platform.overrides,
        SERVICE_MODE: 'api',
        BOOKING_SAGA_ANSWER_MS: String(SAGA_ANSWER_MS),
        TEMPORAL_ADDRESS: `127.0.0.1:${relay.port}`,
      }),
      testLogger(),
    );
    try {
      const direct = caller(`http://127.0.0.1:${instance.port}`);
      const key = randomUUID();
      const send = () =>
        direct('POST', '/bookings', {
          token: customer.accessToken,
          body: { eventId: event.eventId, seats: [event.seatIds[2]] },
          headers: keyed(key),
        });
      await relay.cut();
      const started = Date.now();
      const refused = await send();
      console.log(`hold with Temporal unreachable answered ${refused.status} after ${Date.now() - started} ms`);
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      expect(refused.body.code).toBe('BOOKING_OUTCOME_PENDING');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      await relay.restore();
      const heldLater = await retryWhilePending(send);
      expect(heldLater.status, JSON.stringify(heldLater.body)).toBe(201);
      expect(heldLater.body).toMatchObject({ id: refused.body.bookingId, status: 'HELD' });
      expect((await cancel(customer.accessToken, heldLater.body.id)).body.status).toBe('CANCELLED');
    } finally {
      await instance.stop();
      await relay.close();
    }
  }, 90_000);
});
