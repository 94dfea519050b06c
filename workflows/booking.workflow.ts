// The booking saga: hold → wait for payment (or cancellation) until the hold expires → charge → confirm → CONFIRMED.
// Expiry and cancellation release the seats; a payment that lands after the seats were lost is refunded. Never money
// without seats, never seats without an owner.
import { CancellationScope, condition, proxyActivities, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BookingsActivities, Transition } from '../activities/bookings.activities.ts';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import type { HoldResult } from '../domain/events/seats.ts';
import { BOOKKEEPING_ACTIVITIES, PAYMENT_ACTIVITIES, SEAT_ACTIVITIES } from './activity-options.ts';
import { handleBookingMessages, newBookingState, viewOf, type BookingState, type PaymentRequest } from './booking-state.ts';
import type { BookingInput, BookingStatus, BookingView, CancelRequest, PayAnswer } from './booking-types.ts';
import { domainFailureOf } from './domain-failures.ts';
import { BOOKING_STATUS } from './search-attributes.ts';

const events = proxyActivities<EventsActivities>(SEAT_ACTIVITIES);
const payments = proxyActivities<PaymentsActivities>(PAYMENT_ACTIVITIES);
const bookings = proxyActivities<BookingsActivities>(BOOKKEEPING_ACTIVITIES);

export async function bookingWorkflow(input: BookingInput): Promise<BookingView> {
  const booking = newBookingState(input, workflowInfo().workflowId);
  handleBookingMessages(booking);
  await runSaga(booking);
  booking.ended = true;
  return viewOf(booking);
}

async function runSaga(b: BookingState): Promise<void> {
  await record(b, 'PENDING', `customer:${b.input.customerId}`, 'booking requested');
  const hold = await holdSeats(b);
  if (!hold) return;
  for (;;) {
    const next = await awaitPaymentOrCancel(b, hold);
    if (next.step === 'cancel') return releaseHold(b, 'CANCELLED', next.request.actor, next.request.reason);
    if (next.step === 'expire') return releaseHold(b, 'EXPIRED', 'system', 'the hold expired unpaid; seats released');
    // A declined card leaves the booking HELD until it expires: the customer may try another card.
    if (await charge(b, hold, next.request)) return confirm(b, hold, next.request);
  }
}

/** Writes one transition: the search attribute first, then the booking record. */
async function record(b: BookingState, to: BookingStatus, actor: string, reason: string, extra: Partial<Transition> = {}): Promise<void> {
  const from = b.seq === 0 ? null : b.status;
  b.status = to;
  b.seq += 1;
  upsertSearchAttributes([{ key: BOOKING_STATUS, value: to }]);
  // Compensation and bookkeeping must finish even if the workflow is being cancelled.
  await CancellationScope.nonCancellable(() =>
    bookings.recordTransition({
      bookingId: b.input.bookingId,
      source: 'booking',
      seq: b.seq,
      customerId: b.input.customerId,
      eventId: b.input.eventId,
      workflowId: b.workflowId,
      selection: b.input.selection,
      createdAt: b.input.requestedAt,
      from,
      to,
      at: new Date().toISOString(),
      actor,
      reason,
      ...extra,
    }),
  );
}

/** Step 1, hold: all the seats or none. A refusal ends the booking FAILED and tells the hold update which seats. */
async function holdSeats(b: BookingState): Promise<HoldResult | undefined> {
  const { input } = b;
  try {
    b.hold = await events.holdSeats({
      holdId: input.bookingId,
      eventId: input.eventId,
      customerId: input.customerId,
      selection: input.selection,
      until: new Date(Date.now() + input.holdTtlMs).toISOString(),
    });
  } catch (err) {
    const failure = domainFailureOf(err);
    const code = failure?.code ?? 'HOLD_FAILED';
    b.failureCode = code;
    await record(b, 'FAILED', 'system', `seats not held: ${code}`, { failureCode: code });
    const message = failure?.message ?? 'The seats could not be held.';
    b.holdAnswer = {
      ok: false,
      code,
      kind: failure?.kind ?? 'conflict',
      message,
      seatIds: failure?.details.seatIds ?? [],
      booking: viewOf(b),
    };
    return undefined;
  }
  const hold = b.hold;
  upsertMemo({ seats: hold.seats.map((s) => s.label), amountMinor: hold.totalMinor, currency: hold.currency });
  await record(b, 'HELD', 'system', `${hold.seats.length} seat(s) held until ${hold.expiresAt}`, {
    seats: hold.seats,
    amountMinor: hold.totalMinor,
    currency: hold.currency,
    expiresAt: hold.expiresAt,
  });
  b.holdAnswer = { ok: true, booking: viewOf(b) };
  return hold;
}

type Next = { step: 'cancel'; request: CancelRequest } | { step: 'expire' } | { step: 'pay'; request: PaymentRequest };

/** Step 2, wait: for a payment or a cancellation, until the hold expires. A cancellation wins unless a payment is on. */
async function awaitPaymentOrCancel(b: BookingState, hold: HoldResult): Promise<Next> {
  const remaining = Date.parse(hold.expiresAt) - Date.now();
  const woken = remaining > 0 && (await condition(() => b.pending !== undefined || b.cancelRequest !== undefined, remaining));
  if (b.cancelRequest && !b.pending) return { step: 'cancel', request: b.cancelRequest };
  if (!woken) return { step: 'expire' };
  return { step: 'pay', request: b.pending! };
}

/** Cancellation or expiry before payment: the seats go back on sale. */
async function releaseHold(b: BookingState, to: 'CANCELLED' | 'EXPIRED', actor: string, reason: string): Promise<void> {
  b.closing = true;
  await releaseSeats(b);
  await record(b, to, actor, reason);
}

const releaseSeats = (b: BookingState) => CancellationScope.nonCancellable(() => events.releaseSeats(b.input.bookingId));

function answerPayment(b: BookingState, request: PaymentRequest, answer: PayAnswer): void {
  b.payAnswers.set(request.n, answer);
}

/** Step 3, charge: true once the money is captured; a refusal answers the payment and the hold stays. */
async function charge(b: BookingState, hold: HoldResult, request: PaymentRequest): Promise<boolean> {
  const { input } = b;
  await record(b, 'PAYING', `customer:${input.customerId}`, `payment ${request.n} with ${request.gateway}`);
  try {
    const charged = await payments.chargePayment({
      bookingId: input.bookingId,
      customerId: input.customerId,
      amountMinor: hold.totalMinor,
      currency: hold.currency,
      gateway: request.gateway,
      paymentMethod: request.paymentMethod,
      idempotencyKey: `${input.bookingId}:${request.n}`,
    });
    b.paymentId = charged.paymentId;
    return true;
  } catch (err) {
    const failure = domainFailureOf(err);
    const code = failure?.code ?? 'PAYMENT_FAILED';
    b.failureCode = code;
    await record(b, 'HELD', 'system', `payment ${request.n} declined: ${code}`, { failureCode: code });
    // Whatever refused the charge, to the booking it is a declined payment: it stays HELD and may be paid again.
    answerPayment(b, request, {
      ok: false,
      code,
      kind: 'declined',
      message: failure?.message ?? 'The payment failed.',
      booking: viewOf(b),
    });
    b.pending = undefined;
    return false;
  }
}

/** Step 4, confirm: the held seats become sold. Seats lost meanwhile are compensated for. */
async function confirm(b: BookingState, hold: HoldResult, request: PaymentRequest): Promise<void> {
  b.closing = true;
  try {
    await events.confirmSeats(b.input.bookingId);
  } catch (err) {
    if (domainFailureOf(err)?.code !== 'SEATS_NO_LONGER_HELD') throw err;
    return refundLostSeats(b, hold, request);
  }
  b.failureCode = null;
  await record(b, 'CONFIRMED', `customer:${b.input.customerId}`, 'paid; seats sold', { paymentId: b.paymentId, failureCode: null });
  answerPayment(b, request, { ok: true, booking: viewOf(b) });
}

/** Compensation: the hold lapsed while the card was charged, so the money goes back; never money without seats. */
async function refundLostSeats(b: BookingState, hold: HoldResult, request: PaymentRequest): Promise<void> {
  await CancellationScope.nonCancellable(() =>
    payments.refundPayment({
      paymentId: b.paymentId!,
      idempotencyKey: `${b.input.bookingId}:seats-lost`,
      reason: 'the seats were no longer held when the payment completed',
    }),
  );
  await releaseSeats(b);
  const code = 'SEATS_NO_LONGER_HELD';
  b.failureCode = code;
  await record(b, 'REFUNDED', 'system', 'the hold expired while paying; payment refunded in full', {
    paymentId: b.paymentId,
    failureCode: code,
    refundedMinor: hold.totalMinor,
  });
  const message = 'The hold expired before the payment completed; it was refunded.';
  answerPayment(b, request, { ok: false, code, kind: 'conflict', message, booking: viewOf(b) });
}
