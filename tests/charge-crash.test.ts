// A charge in flight keeps its booking's seats. Over stub activities, each way keeping them can go (kept, refused,
// followed by a decline); on the real platform, with the payments worker in a process of its own killed while the
// card network holds the charge: the charge heartbeats, so the crash is noticed in seconds and the charge asked again
// (same key, one capture) on a new worker, and the seats held for it are still there when it lands.
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdWithStart } from '../api/bookings/booking-saga-client.ts';
import { connectTemporal, type Temporal } from '../common/temporal/temporal.ts';
import { checkInvariants } from '../domain/invariants.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import type { TestGateway } from '../domain/payments/gateways/test-gateway.ts';
import { bookingWorkflowId, payUpdate } from '../workflows/booking-messages.ts';
import type { BookingInput } from '../workflows/booking-types.ts';
import type { bookingWorkflow } from '../workflows/booking.workflow.ts';
import { testConfig } from './support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import { activitiesOf, type History } from './support/histories.ts';
import { startPlatformWithWorkerProcess, type PlatformWithWorkerProcess } from './support/platform.ts';
import { createStubServices, stubBookingInput } from './support/stub-services.ts';
import { useStubTemporal } from './support/stub-temporal.ts';
import { newCustomer } from './support/users.ts';
import { until } from './support/wait.ts';

const HISTORIES = new URL('./histories/', import.meta.url);

/** With RECORD_HISTORIES=1 an ended workflow's history becomes a replay fixture of the way it went. */
async function recorded(history: () => Promise<History>, fixture: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  writeFileSync(new URL(`${fixture}.json`, HISTORIES), `${historyToJSON(await history())}\n`);
}

describe('keeping the seats while a charge is in flight, over stub activities', { timeout: 15_000 }, () => {
  const stubs = createStubServices();
  const { calls } = stubs;
  const temporal = useStubTemporal(() => ({
    events: stubs.events.activities,
    payments: stubs.payments.activities,
    bookings: stubs.bookings.activities,
  }));

  const saga = (input: BookingInput) => temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(input.bookingId));
  const pay = (input: BookingInput, paymentMethod = 'pm_card_visa') =>
    saga(input).executeUpdate(payUpdate, { args: [{ customerId: input.customerId, gateway: 'test', paymentMethod }] });
  const seatIdsOf = (input: BookingInput) => ('seatIds' in input.selection ? input.selection.seatIds : []);

  it('confirms a charge that lands after the booking’s payment deadline: its seats were kept for it', async () => {
    const input = stubBookingInput({ holdTtlMs: 1_500 });
    // The gateway answers well after the original hold would have lapsed.
    stubs.payments.slow(input.bookingId, 2_500);
    const held = await holdWithStart(temporal.client, input);
    const answer = await pay(input);
    expect(answer).toMatchObject({ ok: true, booking: { status: 'CONFIRMED', failureCode: null } });
    // The view keeps the deadline the customer was given; only the seats were held longer, for the charge.
    expect(answer.booking.expiresAt).toBe(held.booking.expiresAt);
    const [[extension]] = calls.of(input.bookingId, 'extendHold') as [[{ holdId: string; until: string }]];
    expect(extension.holdId).toBe(input.bookingId);
    // Bounded by the charge's budget (2 minutes) and a margin, and past the booking's own deadline.
    const kept = Date.parse(extension.until) - Date.parse(held.booking.expiresAt!);
    expect(kept).toBeGreaterThan(2 * 60_000);
    expect(kept).toBeLessThan(3 * 60_000);
    expect(stubs.events.heldUntil(input.bookingId)).toBe(Date.parse(extension.until));
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'CONFIRMED']);
    expect(calls.of(input.bookingId, 'refundPayment')).toHaveLength(0);
    const history = await saga(input).fetchHistory();
    // Kept before the charge, and said so in the history and the memo.
    expect(activitiesOf(history).map((a) => a.name)).toEqual([
      'recordTransition',
      'holdSeats',
      'recordTransition',
      'recordTransition',
      'extendHold',
      'chargePayment',
      'confirmSeats',
      'recordTransition',
    ]);
    expect((await saga(input).describe()).memo).toMatchObject({ seatsHeldUntil: extension.until });
    await recorded(() => saga(input).fetchHistory(), 'booking.slow-charge-kept-seats');
  });

  it('charges nothing once the seats went to another customer before the charge: the booking ends EXPIRED', async () => {
    const input = stubBookingInput({ holdTtlMs: 60_000 });
    await holdWithStart(temporal.client, input);
    // The hold lapsed as the payment arrived, and another customer claimed its seats.
    stubs.events.lose(input.bookingId);
    const answer = await pay(input);
    expect(answer).toMatchObject({ ok: false, code: 'SEATS_NO_LONGER_HELD', booking: { status: 'EXPIRED', paymentId: null } });
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
    expect(calls.of(input.bookingId, 'releaseSeats')).toHaveLength(1);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'EXPIRED']);
    await recorded(() => saga(input).fetchHistory(), 'booking.seats-lost-before-charge');
  });

  it('charges even when the seats cannot be kept: the failure is in the history, the seats keep their expiry', async () => {
    const input = stubBookingInput();
    stubs.events.keepExpiry(input.bookingId);
    const held = await holdWithStart(temporal.client, input);
    expect(await pay(input)).toMatchObject({ ok: true, booking: { status: 'CONFIRMED' } });
    expect(stubs.events.heldUntil(input.bookingId)).toBe(Date.parse(held.booking.expiresAt!));
    const activities = activitiesOf(await saga(input).fetchHistory());
    expect(activities.filter((a) => a.name === 'extendHold' || a.name === 'chargePayment').map(({ worker: _, ...run }) => run)).toEqual([
      { name: 'extendHold', ended: 'failed', attempt: 1 },
      { name: 'chargePayment', ended: 'completed', attempt: 1 },
    ]);
    await recorded(() => saga(input).fetchHistory(), 'booking.hold-not-kept-then-paid');
  });

  it('refunds a charge that lands after the hold lapsed when the seats could not be kept', async () => {
    const input = stubBookingInput({ holdTtlMs: 1_000 });
    stubs.events.keepExpiry(input.bookingId);
    stubs.payments.slow(input.bookingId, 2_000);
    await holdWithStart(temporal.client, input);
    expect(await pay(input)).toMatchObject({
      ok: false,
      code: 'SEATS_NO_LONGER_HELD',
      booking: { status: 'REFUNDED', failureCode: 'SEATS_NO_LONGER_HELD' },
    });
    expect(calls.of(input.bookingId, 'refundPayment').map(([r]) => r.idempotencyKey)).toEqual([`${input.bookingId}:seats-lost`]);
    expect(seatIdsOf(input).some((id) => stubs.events.isTaken(id))).toBe(false);
    // The saga did try to keep them, and went on to charge when it could not.
    expect(calls.of(input.bookingId, 'extendHold')).toHaveLength(1);
  });

  it('still ends a declined booking at its own deadline, releasing the seats it kept for the charge', async () => {
    const input = stubBookingInput({ holdTtlMs: 1_500 });
    stubs.payments.decline(input.bookingId, 'CARD_DECLINED');
    const held = await holdWithStart(temporal.client, input);
    expect(await pay(input, 'pm_card_visa_chargeDeclined')).toMatchObject({
      ok: false,
      code: 'CARD_DECLINED',
      booking: { status: 'HELD' },
    });
    expect(stubs.events.heldUntil(input.bookingId)).toBeGreaterThan(Date.parse(held.booking.expiresAt!));
    const ended = await saga(input).result();
    expect(ended).toMatchObject({ status: 'EXPIRED', expiresAt: held.booking.expiresAt });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'HELD', 'EXPIRED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatIdsOf(input).some((id) => stubs.events.isTaken(id))).toBe(false);
  });
});

// Holds lapse 3 s after they are made; the slow test card captures at once and answers 8 s later (inside the card
// network timeout of 10 s), so every charge here lands after its booking's payment deadline.
const ENV = { BOOKING_HOLD_TTL_SECONDS: '3', TEST_GATEWAY_SLOW_MS: '8000' };

describe('a charge whose payments worker dies while the card network holds it', () => {
  let platform: PlatformWithWorkerProcess;
  let ledger: TestGateway;
  let temporal: Temporal;

  beforeAll(async () => {
    // The payments service answers HTTP here; its worker (the charges) runs in a process of its own that a test kills.
    platform = await startPlatformWithWorkerProcess('payments', ENV);
    ledger = paymentsContext(testConfig(), platform.orms.payments).gateways.get('test') as TestGateway;
    temporal = await connectTemporal(testConfig());
  }, 120_000);

  afterAll(async () => {
    await temporal?.close();
    await platform?.stop();
  });

  async function onSale(): Promise<TestEvent> {
    return eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'A', seats: 10 }] }]);
  }

  const book = (token: string, eventId: string, seats: string[]) => platform.api('POST', '/bookings', { token, body: { eventId, seats } });
  const pay = (token: string, id: string) =>
    platform.api('POST', `/bookings/${id}/pay`, { token, body: { gateway: 'test', paymentMethod: 'pm_card_visa_slow' } });
  const detail = async (token: string, id: string) => (await platform.api('GET', `/bookings/${id}`, { token })).body;
  /** Waits until the saga has ended and its booking row says how. */
  async function ended(token: string, id: string) {
    await until(async () => !['PENDING', 'HELD', 'PAYING'].includes((await detail(token, id)).status), 60_000, 200);
    return detail(token, id);
  }
  const seatStatus = async (eventId: string) =>
    (await platform.api('GET', `/events/${eventId}/seats`)).body.seats as { seatId: string; status: string }[];
  /** The card network's own record of the booking's money: captures and refunds. */
  const moneyOf = async (bookingId: string) => {
    const operations = await ledger.ledger({ idempotencyKeyPrefix: bookingId });
    return {
      captures: operations.filter((op) => op.outcome === 'captured').length,
      refunds: operations.filter((op) => op.kind === 'refund').length,
    };
  };
  const chargeAttempts = async (bookingId: string) =>
    (
      await platform.orms.payments.em
        .fork()
        .execute<{ outcome: string }[]>(
          `select outcome from payment_transaction where kind = 'charge' and idempotency_key = ? order by started_at`,
          [`${bookingId}:1`],
        )
    ).map((row) => row.outcome);

  it('confirms a slow charge that lands after the booking’s payment deadline, its seats kept for it', async () => {
    const event = await onSale();
    const customer = await newCustomer(platform.api, 'slow-charge');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[0]!]);
    expect(held.body.status, JSON.stringify(held.body)).toBe('HELD');
    const paid = await pay(customer.accessToken, held.body.id);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'CONFIRMED', expiresAt: held.body.expiresAt });
    expect((await seatStatus(event.eventId)).find((s) => s.seatId === event.seatIds[0])!.status).toBe('sold');
    expect(await moneyOf(held.body.id)).toEqual({ captures: 1, refunds: 0 });
    expect(await checkInvariants(platform.orms, { eventIds: [event.eventId], terminal: true })).toEqual([]);
  }, 60_000);

  it('notices the crash in seconds, charges once on a new worker and confirms the booking with its seats', async () => {
    const event = await onSale();
    const customer = await newCustomer(platform.api, 'charge-crash');
    const held = await book(customer.accessToken, event.eventId, event.seatIds.slice(1, 3));
    expect(held.body.status, JSON.stringify(held.body)).toBe('HELD');
    const paying = pay(customer.accessToken, held.body.id);
    // Awaited once the booking has ended; a failed answer is reported then, not as an unhandled rejection meanwhile.
    paying.catch(() => undefined);
    // The card network has taken the charge and holds its answer: the worker dies waiting for it.
    await until(async () => (await ledger.ledger({ idempotencyKeyPrefix: held.body.id })).length > 0, 20_000, 50);
    const killed = platform.worker.identity;
    await platform.worker.kill();
    const killedAt = Date.now();
    const restarted = (await platform.restartWorker()).identity;

    const booking = await ended(customer.accessToken, held.body.id);
    console.log(`charge-crash: booking ${booking.status} ${Date.now() - killedAt} ms after the payments worker was killed`);
    expect(booking.status).toBe('CONFIRMED');
    expect(booking.expiresAt).toBe(held.body.expiresAt);
    const paid = await paying;
    console.log(`charge-crash: the pay request was answered ${paid.status} ${Date.now() - killedAt} ms after the kill`);
    // Whatever the client was told in the meantime, it was never that the seats were lost.
    expect(paid.body.code).not.toBe('SEATS_NO_LONGER_HELD');
    expect((await seatStatus(event.eventId)).filter((s) => event.seatIds.slice(1, 3).includes(s.seatId)).map((s) => s.status)).toEqual([
      'sold',
      'sold',
    ]);
    // The dead worker's call never finished; the new worker asked the card network again with the same key.
    expect(await chargeAttempts(held.body.id)).toEqual(['pending', 'succeeded']);
    expect(await moneyOf(held.body.id)).toEqual({ captures: 1, refunds: 0 });
    const payment = await platform.api('GET', `/payments/${booking.paymentId}`, { token: customer.accessToken });
    expect(payment.body).toMatchObject({ status: 'SUCCEEDED', capturedMinor: 10_000, refundedMinor: 0 });
    expect(await checkInvariants(platform.orms, { eventIds: [event.eventId], terminal: true })).toEqual([]);

    const handle = temporal.client.workflow.getHandle(bookingWorkflowId(held.body.id));
    await handle.result();
    const charges = activitiesOf(await handle.fetchHistory()).filter((a) => a.name === 'extendHold' || a.name === 'chargePayment');
    expect(charges).toEqual([
      { name: 'extendHold', ended: 'completed', attempt: 1, worker: expect.any(String) },
      // The dead worker's attempt ended when its heartbeat stopped, not at the end of its start-to-close timeout; the
      // restarted worker made the second.
      { name: 'chargePayment', ended: 'completed', attempt: 2, retriedAfter: 'TIMEOUT_TYPE_HEARTBEAT', worker: restarted },
    ]);
    expect(restarted).not.toBe(killed);
    await recorded(() => handle.fetchHistory(), 'booking.charge-retried-after-crash');
  }, 90_000);
});
