// The booking saga's branches, and the booking- and event-cancellation workflows, on the real Temporal dev server
// over stub activities: a branch in about a second at most, without PostgreSQL or RabbitMQ. The real-service stories
// stay in booking-saga.test.ts.
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { holdWithStart, startCancellation } from '../api/bookings/booking-saga-client.ts';
import { eventCancellationStarter } from '../api/events/event-cancellation.ts';
import type { BookingInput, HoldAnswer } from '../workflows/booking-types.ts';
import { bookingWorkflowId, cancelUpdate, payUpdate } from '../workflows/booking-messages.ts';
import type { bookingWorkflow } from '../workflows/booking.workflow.ts';
import type { eventCancellationWorkflow } from '../workflows/event-cancellation.workflow.ts';
import {
  createStubServices,
  SEAT_PRICE_MINOR,
  customerCancellationOf,
  seedConfirmedBooking,
  stubBookingInput,
} from './support/stub-services.ts';
import { useStubTemporal } from './support/stub-temporal.ts';
import { until } from './support/wait.ts';

// A saga that stops making progress (a workflow task failing over and over) fails its test in seconds, not at the
// suite's 30 s default.
describe('the booking workflows over stub activities', { timeout: 10_000 }, () => {
  const stubs = createStubServices();
  const { calls } = stubs;
  const temporal = useStubTemporal(() => ({
    events: stubs.events.activities,
    payments: stubs.payments.activities,
    bookings: stubs.bookings.activities,
  }));

  const newBooking = stubBookingInput;

  /** Starts the saga as the bookings route does: update-with-start of the hold. */
  const hold = (input: BookingInput): Promise<HoldAnswer> => holdWithStart(temporal.client, input);
  const saga = (input: BookingInput) => temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(input.bookingId));
  const pay = (input: BookingInput, paymentMethod = 'pm_card_visa') =>
    saga(input).executeUpdate(payUpdate, { args: [{ customerId: input.customerId, gateway: 'test', paymentMethod }] });
  const cancel = (input: BookingInput) =>
    saga(input).executeUpdate(cancelUpdate, { args: [{ actor: `customer:${input.customerId}`, reason: 'cancelled by the customer' }] });
  const seatIdsOf = (input: BookingInput) => ('seatIds' in input.selection ? input.selection.seatIds : []);

  it('holds, pays and confirms: the seats are sold and nothing is released', async () => {
    const input = newBooking();
    const held = await hold(input);
    expect(held).toMatchObject({ ok: true, booking: { status: 'HELD', amountMinor: 2 * SEAT_PRICE_MINOR, currency: 'EUR' } });
    const paid = await pay(input);
    expect(paid).toMatchObject({ ok: true, booking: { status: 'CONFIRMED', failureCode: null } });
    expect((await saga(input).result()).status).toBe('CONFIRMED');
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'CONFIRMED']);
    expect(calls.of(input.bookingId, 'chargePayment').map(([c]) => [c.amountMinor, c.idempotencyKey])).toEqual([
      [2 * SEAT_PRICE_MINOR, `${input.bookingId}:1`],
    ]);
    expect(calls.of(input.bookingId, 'confirmSeats')).toHaveLength(1);
    expect(calls.of(input.bookingId, 'releaseSeats')).toHaveLength(0);
  });

  it('keeps a declined booking HELD, then confirms it with the next payment', async () => {
    const input = newBooking();
    stubs.payments.decline(input.bookingId, 'CARD_DECLINED');
    await hold(input);
    const declined = await pay(input, 'pm_card_chargeDeclined');
    expect(declined).toMatchObject({
      ok: false,
      code: 'CARD_DECLINED',
      kind: 'declined',
      booking: { status: 'HELD', failureCode: 'CARD_DECLINED' },
    });
    const paid = await pay(input);
    expect(paid).toMatchObject({ ok: true, booking: { status: 'CONFIRMED', failureCode: null } });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'HELD', 'PAYING', 'CONFIRMED']);
    // Each attempt has a key of its own: the second is a new charge, not a replay of the declined one.
    expect(calls.of(input.bookingId, 'chargePayment').map(([c]) => c.idempotencyKey)).toEqual([
      `${input.bookingId}:1`,
      `${input.bookingId}:2`,
    ]);
    expect(calls.of(input.bookingId, 'releaseSeats')).toHaveLength(0);
  });

  it('releases the seats and ends EXPIRED when the hold lapses unpaid', async () => {
    // The dev server fires timers at about one-second resolution: this test waits that long, whatever the TTL.
    const input = newBooking({ holdTtlMs: 300 });
    await hold(input);
    const ended = await saga(input).result();
    expect(ended).toMatchObject({ status: 'EXPIRED', paymentId: null });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'EXPIRED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatIdsOf(input).some((id) => stubs.events.isTaken(id))).toBe(false);
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
    // The saga has ended: a late payment finds nothing to pay.
    await expect(pay(input)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('cancels a hold before payment: the seats are released and the booking is CANCELLED', async () => {
    const input = newBooking();
    await hold(input);
    const cancelled = await cancel(input);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', paymentId: null });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'CANCELLED']);
    expect(calls.of(input.bookingId, 'recordTransition').at(-1)![0]).toMatchObject({
      actor: `customer:${input.customerId}`,
      reason: 'cancelled by the customer',
    });
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatIdsOf(input).some((id) => stubs.events.isTaken(id))).toBe(false);
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
  });

  /** What both ways of losing the seats after the charge end in: the money back in full, the seats released. */
  function expectRefundedForLostSeats(input: BookingInput, answer: Awaited<ReturnType<typeof pay>>) {
    expect(answer).toMatchObject({
      ok: false,
      code: 'SEATS_NO_LONGER_HELD',
      kind: 'conflict',
      booking: { status: 'REFUNDED', failureCode: 'SEATS_NO_LONGER_HELD' },
    });
    const [charged] = calls.of(input.bookingId, 'chargePayment');
    const paymentId = answer.booking.paymentId!;
    expect(calls.of(input.bookingId, 'refundPayment').map(([r]) => [r.paymentId, r.amountMinor, r.idempotencyKey])).toEqual([
      [paymentId, undefined, `${input.bookingId}:seats-lost`],
    ]);
    expect(stubs.payments.payment(paymentId)).toMatchObject({ status: 'REFUNDED', refundedMinor: charged![0].amountMinor });
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'REFUNDED']);
    expect(calls.of(input.bookingId, 'recordTransition').at(-1)![0]).toMatchObject({
      paymentId,
      failureCode: 'SEATS_NO_LONGER_HELD',
      refundedMinor: 2 * SEAT_PRICE_MINOR,
    });
  }

  it('refunds a payment that lands after the hold expired, and never marks it EXPIRED meanwhile', async () => {
    const input = newBooking({ holdTtlMs: 300 });
    // The gateway answers after the hold has lapsed, and the hold could not be kept for the charge (charge-crash.test.ts
    // has the kept one); the saga's expiry timer must not race the charge.
    stubs.payments.slow(input.bookingId, 500);
    stubs.events.keepExpiry(input.bookingId);
    await hold(input);
    const answer = await pay(input);
    expectRefundedForLostSeats(input, answer);
    expect((await saga(input).result()).status).toBe('REFUNDED');
  });

  it('refunds a captured payment whose seats were lost before the hold expired', async () => {
    // A hold far longer than the test may run: had the refund waited for its expiry, no answer would come in time.
    const input = newBooking({ holdTtlMs: 600_000 });
    await hold(input);
    // Lost while the charge is at the gateway (before it, nothing would be charged at all).
    stubs.payments.slow(input.bookingId, 300);
    const paying = pay(input);
    await until(() => calls.of(input.bookingId, 'chargePayment').length > 0, 5_000, 10);
    stubs.events.lose(input.bookingId);
    const answer = await paying;
    expectRefundedForLostSeats(input, answer);
    expect((await saga(input).result()).status).toBe('REFUNDED');
  });

  it('fails a hold whose seats are taken, naming the taken seats, and holds nothing', async () => {
    const input = newBooking();
    const [free, taken] = seatIdsOf(input);
    stubs.events.take([taken!]);
    const answer = await hold(input);
    expect(answer).toMatchObject({
      ok: false,
      code: 'SEATS_UNAVAILABLE',
      kind: 'conflict',
      seatIds: [taken],
      booking: { status: 'FAILED', failureCode: 'SEATS_UNAVAILABLE' },
    });
    expect((await saga(input).result()).status).toBe('FAILED');
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'FAILED']);
    expect(stubs.events.isTaken(free!)).toBe(false);
    expect(calls.of(input.bookingId, 'releaseSeats')).toHaveLength(0);
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
  });

  /** A booking confirmed earlier: its seats sold and its payment captured. */
  const confirmedBooking = (eventId?: string) => seedConfirmedBooking(stubs, 'B', eventId);

  async function cancelConfirmed(booking: ReturnType<typeof confirmedBooking>, refundMinor?: number) {
    const input = customerCancellationOf(booking, refundMinor === undefined ? {} : { refundMinor });
    // Started as the cancel route starts it.
    return (await startCancellation(temporal.client, input)).result();
  }

  it('cancels a confirmed booking: refunded in full, the seats back on sale, REFUNDED', async () => {
    const booking = confirmedBooking();
    const result = await cancelConfirmed(booking);
    expect(result).toEqual({ bookingId: booking.bookingId, status: 'REFUNDED', refundedMinor: booking.totalMinor });
    expect(calls.of(booking.bookingId, 'refundPayment').map(([r]) => [r.paymentId, r.amountMinor, r.idempotencyKey])).toEqual([
      [booking.paymentId, undefined, `${booking.bookingId}:cancellation`],
    ]);
    expect(calls.of(booking.bookingId, 'returnSeats')).toEqual([[booking.bookingId]]);
    expect(booking.seatIds.some((id) => stubs.events.isTaken(id))).toBe(false);
    const transitions = calls.of(booking.bookingId, 'recordTransition').map(([t]) => [t.source, t.from, t.to]);
    expect(transitions).toEqual([
      ['cancellation', 'CONFIRMED', 'CONFIRMED'],
      ['cancellation', 'CONFIRMED', 'REFUNDED'],
    ]);
  });

  it('cancels a confirmed booking with a partial refund: CANCELLED, the refund recorded on it', async () => {
    const booking = confirmedBooking();
    const result = await cancelConfirmed(booking, 4_000);
    expect(result).toEqual({ bookingId: booking.bookingId, status: 'CANCELLED', refundedMinor: 4_000 });
    expect(stubs.payments.payment(booking.paymentId)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedMinor: 4_000 });
    expect(calls.of(booking.bookingId, 'recordTransition').at(-1)![0]).toMatchObject({ to: 'CANCELLED', refundedMinor: 4_000 });
    expect(calls.of(booking.bookingId, 'returnSeats')).toHaveLength(1);
  });

  it('cancels an event: its open hold is cancelled and its confirmed booking refunded', async () => {
    const open = newBooking();
    await hold(open);
    const confirmed = confirmedBooking(open.eventId);
    await eventCancellationStarter(temporal.client, 2)(open.eventId, 'venue flooded');
    const result = await temporal.client.workflow
      .getHandle<typeof eventCancellationWorkflow>(`event-cancellation-${open.eventId}`)
      .result();
    expect(result).toEqual({ eventId: open.eventId, holdsCancelled: 1, bookingsRefunded: 1 });
    expect(await saga(open).result()).toMatchObject({ status: 'CANCELLED' });
    expect(calls.of(open.bookingId, 'recordTransition').at(-1)![0]).toMatchObject({
      actor: 'event-cancellation',
      reason: 'event cancelled: venue flooded',
    });
    expect(calls.of(open.bookingId, 'releaseSeats')).toHaveLength(1);
    expect(calls.of(confirmed.bookingId, 'refundPayment').map(([r]) => r.idempotencyKey)).toEqual([`${confirmed.bookingId}:cancellation`]);
    expect(calls.statuses(confirmed.bookingId)).toEqual(['CONFIRMED', 'REFUNDED']);
  });
});
