// Every step of the booking workflows failing for good (as a database refusing the statement does), over stub
// activities on the real Temporal dev server: each saga still ends, with its failure code, its seats released or
// sold as they should be, and money captured only where seats were sold.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { Transition } from '../activities/bookings.activities.ts';
import { describe, expect, it } from 'vitest';
import { holdWithStart, startCancellation } from '../api/bookings/booking-saga-client.ts';
import { eventCancellationStarter } from '../api/events/event-cancellation.ts';
import type { BookingInput } from '../workflows/booking-types.ts';
import { bookingCancellationWorkflowId, bookingWorkflowId, cancelUpdate, payUpdate } from '../workflows/booking-messages.ts';
import type { bookingWorkflow } from '../workflows/booking.workflow.ts';
import type { eventCancellationWorkflow } from '../workflows/event-cancellation.workflow.ts';
import { BOOKING_STATUS } from '../workflows/search-attributes.ts';
import { createFailures } from './support/stub-failures.ts';
import {
  createStubServices,
  SEAT_PRICE_MINOR,
  customerCancellationOf,
  seedConfirmedBooking,
  stubBookingInput,
} from './support/stub-services.ts';
import { useStubTemporal } from './support/stub-temporal.ts';
import { until } from './support/wait.ts';

const HISTORIES = new URL('./histories/', import.meta.url);

describe('the booking workflows when a step fails for good', { timeout: 15_000 }, () => {
  const stubs = createStubServices();
  const failures = createFailures();
  const { calls } = stubs;
  const temporal = useStubTemporal(() => ({
    events: failures.wrap(stubs.events.activities),
    payments: failures.wrap(stubs.payments.activities),
    bookings: failures.wrap(stubs.bookings.activities),
  }));

  const newBooking = stubBookingInput;

  const hold = (input: BookingInput) => holdWithStart(temporal.client, input);
  const saga = (input: BookingInput) => temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(input.bookingId));
  const pay = (input: BookingInput) =>
    saga(input).executeUpdate(payUpdate, { args: [{ customerId: input.customerId, gateway: 'test', paymentMethod: 'pm_card_visa' }] });
  const cancel = (input: BookingInput) =>
    saga(input).executeUpdate(cancelUpdate, { args: [{ actor: `customer:${input.customerId}`, reason: 'cancelled by the customer' }] });
  const seatIdsOf = (input: BookingInput) => ('seatIds' in input.selection ? input.selection.seatIds : []);
  const seatsTaken = (seatIds: string[]) => seatIds.filter((id) => stubs.events.isTaken(id));
  /** The booking's payments as the stub gateway holds them. */
  const paymentsOf = (bookingId: string) =>
    [...new Set(calls.of(bookingId, 'chargePayment').map(([c]) => c.idempotencyKey))].flatMap((key) => {
      const id = stubs.payments.paymentOfKey(key);
      return id ? [stubs.payments.payment(id)!] : [];
    });
  /** With RECORD_HISTORIES=1 an ended workflow's history becomes a replay fixture of the way out it took. */
  async function recorded(workflowId: string, fixture: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const handle = temporal.client.workflow.getHandle(workflowId);
    await handle.result();
    writeFileSync(new URL(`${fixture}.json`, HISTORIES), `${historyToJSON(await handle.fetchHistory())}\n`);
  }
  const searchStatus = async (input: BookingInput) => (await saga(input).describe()).typedSearchAttributes.get(BOOKING_STATUS);

  it('a hold that gives up after claiming seats releases them and ends FAILED with HOLD_FAILED', async () => {
    const input = newBooking();
    failures.always('holdSeats', (h) => h.holdId === input.bookingId, { after: true });
    const answer = await hold(input);
    expect(answer).toMatchObject({ ok: false, code: 'HOLD_FAILED', kind: 'unavailable', booking: { status: 'FAILED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'HOLD_FAILED' });
    // A database refusal is not retried: one attempt, then the way out.
    expect(calls.of(input.bookingId, 'holdSeats')).toHaveLength(1);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(seatIdsOf(input))).toEqual([]);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'FAILED']);
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
  });

  it('a hold that cannot be recorded releases its seats and ends FAILED with HOLD_NOT_RECORDED', async () => {
    const input = newBooking();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId && t.to === 'HELD');
    const answer = await hold(input);
    expect(answer).toMatchObject({ ok: false, code: 'HOLD_NOT_RECORDED', kind: 'unavailable', booking: { status: 'FAILED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'HOLD_NOT_RECORDED' });
    // Refused by the database: written once, never retried.
    const attempts = failures.failed.filter(
      (f) => f.activity === 'recordTransition' && (f.args[0] as Transition).bookingId === input.bookingId,
    );
    expect(attempts).toHaveLength(1);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'FAILED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(seatIdsOf(input))).toEqual([]);
    await recorded(bookingWorkflowId(input.bookingId), 'booking.hold-not-recorded');
  });

  it('a booking that cannot be recorded at all still ends, FAILED with BOOKING_NOT_RECORDED, holding nothing', async () => {
    const input = newBooking();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId);
    const answer = await hold(input);
    expect(answer).toMatchObject({ ok: false, code: 'BOOKING_NOT_RECORDED', kind: 'unavailable' });
    // Its status lives in the workflow and its search attribute; the row was never written.
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'BOOKING_NOT_RECORDED' });
    expect(await searchStatus(input)).toBe('FAILED');
    expect(calls.statuses(input.bookingId)).toEqual([]);
    expect(calls.of(input.bookingId, 'holdSeats')).toHaveLength(0);
  });

  it('a payment that cannot be recorded is answered at once, charges nothing, and the booking stays HELD', async () => {
    const input = newBooking();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId && t.to === 'PAYING');
    await hold(input);
    const answer = await pay(input);
    expect(answer).toMatchObject({ ok: false, code: 'PAYMENT_NOT_RECORDED', kind: 'unavailable', booking: { status: 'HELD' } });
    // The workflow says what the booking row says.
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD']);
    expect(await searchStatus(input)).toBe('HELD');
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
    // Still open: the next pay is answered the same way, and a cancellation goes through.
    expect(await pay(input)).toMatchObject({ ok: false, code: 'PAYMENT_NOT_RECORDED' });
    expect(await cancel(input)).toMatchObject({ status: 'CANCELLED' });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'CANCELLED']);
    expect(seatsTaken(seatIdsOf(input))).toEqual([]);
  });

  it('a charge that gives up after capturing is refunded, and the booking stays HELD with PAYMENT_FAILED', async () => {
    const input = newBooking();
    failures.always('chargePayment', (c) => c.bookingId === input.bookingId, { after: true });
    await hold(input);
    const answer = await pay(input);
    expect(answer).toMatchObject({
      ok: false,
      code: 'PAYMENT_FAILED',
      kind: 'declined',
      booking: { status: 'HELD', failureCode: 'PAYMENT_FAILED' },
    });
    expect(calls.of(input.bookingId, 'undoCharge').map(([u]) => u.idempotencyKey)).toEqual([`${input.bookingId}:1`]);
    expect(paymentsOf(input.bookingId).map((p) => [p.status, p.refundedMinor])).toEqual([['REFUNDED', 2 * SEAT_PRICE_MINOR]]);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'HELD']);
    // The seats stay held until the customer gives up (or the hold expires); no money stays with them.
    expect(seatsTaken(seatIdsOf(input))).toEqual(seatIdsOf(input));
    expect(await cancel(input)).toMatchObject({ status: 'CANCELLED' });
    expect(seatsTaken(seatIdsOf(input))).toEqual([]);
    expect(paymentsOf(input.bookingId).every((p) => p.status === 'REFUNDED')).toBe(true);
    await recorded(bookingWorkflowId(input.bookingId), 'booking.charge-undone-then-cancelled');
  });

  it('a charge that gives up before capturing takes nothing, and the booking stays HELD', async () => {
    const input = newBooking();
    failures.always('chargePayment', (c) => c.bookingId === input.bookingId);
    await hold(input);
    expect(await pay(input)).toMatchObject({ ok: false, code: 'PAYMENT_FAILED', booking: { status: 'HELD' } });
    expect(calls.of(input.bookingId, 'undoCharge')).toHaveLength(1);
    expect(paymentsOf(input.bookingId)).toEqual([]);
    expect(await cancel(input)).toMatchObject({ status: 'CANCELLED' });
  });

  it('seats that cannot be sold after the capture are released and refunded: REFUNDED with SEATS_NOT_CONFIRMED', async () => {
    const input = newBooking();
    // The sale landed, then its answer was lost: the seats are sold and must be returned.
    failures.always('confirmSeats', (holdId) => holdId === input.bookingId, { after: true });
    await hold(input);
    const answer = await pay(input);
    expect(answer).toMatchObject({ ok: false, code: 'SEATS_NOT_CONFIRMED', kind: 'conflict', booking: { status: 'REFUNDED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'REFUNDED', failureCode: 'SEATS_NOT_CONFIRMED' });
    expect(paymentsOf(input.bookingId).map((p) => p.status)).toEqual(['REFUNDED']);
    expect(calls.of(input.bookingId, 'returnSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(seatIdsOf(input))).toEqual([]);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'REFUNDED']);
  });

  it('a confirmation that cannot be recorded is refunded and its seats return to sale: CONFIRMATION_NOT_RECORDED', async () => {
    const input = newBooking();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId && t.to === 'CONFIRMED');
    await hold(input);
    const answer = await pay(input);
    expect(answer).toMatchObject({ ok: false, code: 'CONFIRMATION_NOT_RECORDED', kind: 'conflict', booking: { status: 'REFUNDED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'REFUNDED', failureCode: 'CONFIRMATION_NOT_RECORDED' });
    const [refund] = calls.of(input.bookingId, 'refundPayment');
    expect(refund![0]).toMatchObject({ paymentId: answer.booking.paymentId, idempotencyKey: `${input.bookingId}:not-recorded` });
    expect(paymentsOf(input.bookingId).map((p) => p.status)).toEqual(['REFUNDED']);
    expect(calls.of(input.bookingId, 'returnSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(seatIdsOf(input))).toEqual([]);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'REFUNDED']);
    await recorded(bookingWorkflowId(input.bookingId), 'booking.confirmation-not-recorded');
  });

  it('seats that cannot be released end the booking FAILED with COMPENSATION_FAILED, for an operator', async () => {
    const input = newBooking();
    failures.always('releaseSeats', (holdId) => holdId === input.bookingId);
    await hold(input);
    expect(await cancel(input)).toMatchObject({ status: 'FAILED', failureCode: 'COMPENSATION_FAILED' });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'COMPENSATION_FAILED' });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'FAILED']);
    expect(calls.of(input.bookingId, 'recordTransition').at(-1)![0]).toMatchObject({ failureCode: 'COMPENSATION_FAILED' });
    // Still held in the inventory (its expiry frees them): exactly what the operator is told to look at.
    expect(seatsTaken(seatIdsOf(input))).toEqual(seatIdsOf(input));
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
    await recorded(bookingWorkflowId(input.bookingId), 'booking.release-failed');
  });

  it('a refund that cannot be made after the seats were lost ends FAILED with COMPENSATION_FAILED', async () => {
    const input = newBooking();
    failures.always('refundPayment', (r) => r.idempotencyKey === `${input.bookingId}:seats-lost`);
    await hold(input);
    // Lost while the charge is at the gateway (before it, nothing would be charged at all).
    stubs.payments.slow(input.bookingId, 300);
    const paying = pay(input);
    await until(() => calls.of(input.bookingId, 'chargePayment').length > 0, 5_000, 10);
    stubs.events.lose(input.bookingId);
    const answer = await paying;
    expect(answer).toMatchObject({
      ok: false,
      code: 'COMPENSATION_FAILED',
      booking: { status: 'FAILED', failureCode: 'COMPENSATION_FAILED' },
    });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'COMPENSATION_FAILED' });
    // The money is still captured without seats: flagged, not hidden.
    expect(paymentsOf(input.bookingId).map((p) => p.status)).toEqual(['SUCCEEDED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'FAILED']);
  });

  it('an outcome that cannot be recorded still ends the saga, the workflow holding it: EXPIRED, OUTCOME_NOT_RECORDED', async () => {
    const input = newBooking({ holdTtlMs: 300 });
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId && t.to === 'EXPIRED');
    await hold(input);
    expect(await saga(input).result()).toMatchObject({ status: 'EXPIRED', failureCode: 'OUTCOME_NOT_RECORDED' });
    expect(await searchStatus(input)).toBe('EXPIRED');
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD']);
    expect(seatsTaken(seatIdsOf(input))).toEqual([]);
  });

  /** A booking confirmed earlier: its seats sold and its payment captured. */
  const confirmedBooking = (eventId?: string) => seedConfirmedBooking(stubs, 'C', eventId);

  const cancelConfirmed = async (booking: ReturnType<typeof confirmedBooking>) =>
    (await startCancellation(temporal.client, customerCancellationOf(booking))).result();

  it('a cancellation whose refund cannot be made leaves the booking CONFIRMED with REFUND_FAILED, seats and money together', async () => {
    const booking = confirmedBooking();
    failures.always('refundPayment', (r) => r.paymentId === booking.paymentId);
    expect(await cancelConfirmed(booking)).toEqual({
      bookingId: booking.bookingId,
      status: 'CONFIRMED',
      refundedMinor: 0,
      failureCode: 'REFUND_FAILED',
    });
    expect(stubs.payments.payment(booking.paymentId)).toMatchObject({ status: 'SUCCEEDED', refundedMinor: 0 });
    expect(seatsTaken(booking.seatIds)).toEqual(booking.seatIds);
    expect(calls.of(booking.bookingId, 'returnSeats')).toHaveLength(0);
    expect(calls.of(booking.bookingId, 'recordTransition').map(([t]) => [t.to, t.failureCode])).toEqual([
      ['CONFIRMED', undefined],
      ['CONFIRMED', 'REFUND_FAILED'],
    ]);
    await recorded(bookingCancellationWorkflowId(booking.bookingId), 'booking-cancellation.refund-failed');
  });

  it('a cancellation whose seats cannot be returned is REFUNDED and flagged COMPENSATION_FAILED', async () => {
    const booking = confirmedBooking();
    failures.always('returnSeats', (holdId) => holdId === booking.bookingId);
    expect(await cancelConfirmed(booking)).toEqual({
      bookingId: booking.bookingId,
      status: 'REFUNDED',
      refundedMinor: booking.totalMinor,
      failureCode: 'COMPENSATION_FAILED',
    });
    expect(stubs.payments.payment(booking.paymentId)).toMatchObject({ status: 'REFUNDED' });
    expect(calls.of(booking.bookingId, 'recordTransition').at(-1)![0]).toMatchObject({
      to: 'REFUNDED',
      failureCode: 'COMPENSATION_FAILED',
    });
  });

  it('an event cancellation ends even when a booking’s refund cannot be made, naming it for an operator', async () => {
    const eventId = randomUUID();
    const stuck = confirmedBooking(eventId);
    const fine = confirmedBooking(eventId);
    failures.always('refundPayment', (r) => r.paymentId === stuck.paymentId);
    await eventCancellationStarter(temporal.client, 2)(eventId, 'venue closed');
    const result = await temporal.client.workflow.getHandle<typeof eventCancellationWorkflow>(`event-cancellation-${eventId}`).result();
    expect(result).toEqual({ eventId, holdsCancelled: 0, bookingsRefunded: 1, needsOperator: [stuck.bookingId] });
    expect(stubs.payments.payment(fine.paymentId)).toMatchObject({ status: 'REFUNDED' });
    expect(stubs.payments.payment(stuck.paymentId)).toMatchObject({ status: 'SUCCEEDED' });
    await recorded(`event-cancellation-${eventId}`, 'event-cancellation.needs-operator');
  });
});
