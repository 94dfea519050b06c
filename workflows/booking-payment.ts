// The booking saga's paying steps: charge, then confirm. A declined card, or a charge that gave up and was undone,
// leaves the booking HELD and payable again; a capture whose seats cannot be sold (or whose confirmation cannot be
// written) is refunded. Every payment is answered, so no pay request waits on a saga that cannot go on.
import { ActivityFailure, log, patched, proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import type { DomainErrorKind } from '../common/errors/domain-error.ts';
import type { HoldResult } from '../domain/events/seats.ts';
import { HOLD_EXTENSION_ACTIVITIES, PAYMENT_ACTIVITIES, SEAT_ACTIVITIES } from './activity-options.ts';
import { failBooking, refundCapture, releaseHold, undoCharge, type RefundReason } from './booking-compensation.ts';
import { bookkeepingIsLocal, record, revert } from './booking-record.ts';
import { viewOf, type BookingState, type PaymentRequest } from './booking-state.ts';
import type { PayAnswer } from './booking-types.ts';
import { refusalBehind, type DomainFailure } from './domain-failures.ts';
import { SAGA_FAILURES } from './saga-failures.ts';

const events = proxyActivities<EventsActivities>(SEAT_ACTIVITIES);
const payments = proxyActivities<PaymentsActivities>(PAYMENT_ACTIVITIES);
const holds = proxyActivities<EventsActivities>(HOLD_EXTENSION_ACTIVITIES);

/** The patch that keeps the seats while charging: a saga whose history was written without it replays without it. */
const HOLD_KEPT_WHILE_CHARGING = 'hold-kept-while-charging';
/** The patch that charges nothing once the seats are known lost before the charge (earlier, it charged and refunded). */
const NOTHING_CHARGED_FOR_LOST_SEATS = 'nothing-charged-for-lost-seats';
/** The charge's whole budget: every attempt and the waits between them. */
const CHARGE_BUDGET_MS = PAYMENT_ACTIVITIES.scheduleToCloseTimeout;
/** Beyond the charge's whole budget: the extension's own attempts and the confirmation after the charge's last one. */
const EXTENSION_MARGIN_MS = 30_000;

function answerPayment(b: BookingState, request: PaymentRequest, answer: PayAnswer): void {
  b.payAnswers.set(request.n, answer);
}

export function refusePayment(b: BookingState, request: PaymentRequest, code: string, kind: DomainErrorKind, message: string): void {
  answerPayment(b, request, { ok: false, code, kind, message, booking: viewOf(b) });
  b.pending = undefined;
}

export type Charged = 'captured' | 'held' | 'ended';

/** Step 3, charge: `captured` once the money is taken; otherwise the payment is answered and the hold stays (`held`). */
export async function charge(b: BookingState, hold: HoldResult, request: PaymentRequest): Promise<Charged> {
  const { input } = b;
  if (!(await record(b, 'PAYING', `customer:${input.customerId}`, `payment ${request.n} with ${request.gateway}`))) {
    // Nothing is charged that the booking does not show: it is HELD again, as its row still says.
    revert(b, 'HELD');
    const message = 'The payment could not be recorded, so nothing was charged; the booking is still HELD. Try again.';
    refusePayment(b, request, SAGA_FAILURES.paymentNotRecorded, 'unavailable', message);
    return 'held';
  }
  if (
    !outlastsCharge(b) &&
    patched(HOLD_KEPT_WHILE_CHARGING) &&
    (await keepSeatsWhileCharging(b, request)) === 'lost' &&
    patched(NOTHING_CHARGED_FOR_LOST_SEATS)
  ) {
    return seatsLostBeforeCharge(b, request);
  }
  try {
    const charged = await payments.chargePayment({
      bookingId: input.bookingId,
      customerId: input.customerId,
      amountMinor: hold.totalMinor,
      currency: hold.currency,
      gateway: request.gateway,
      // The pay route requires a payment method for every gateway but the free one, which never reaches a charge.
      paymentMethod: request.paymentMethod ?? '',
      idempotencyKey: `${input.bookingId}:${request.n}`,
    });
    b.paymentId = charged.paymentId;
    return 'captured';
  } catch (err) {
    return chargeFailed(b, request, refusalBehind(err));
  }
}

/** The instant the seats must be held until for a charge that starts now: the charge's whole budget and a margin. */
const heldForCharge = () => new Date(Date.now() + CHARGE_BUDGET_MS + EXTENSION_MARGIN_MS).toISOString();

/**
 * The hold already lasts beyond the charge's whole budget (the usual ten-minute hold), so there is nothing to keep:
 * no call, and (in a saga with local bookkeeping) not even the patch marker of a step that does nothing. A saga
 * recorded before that patch wrote the marker here, and replays so.
 */
const outlastsCharge = (b: BookingState): boolean =>
  b.hold !== undefined && Date.parse(b.hold.expiresAt) >= Date.parse(heldForCharge()) && bookkeepingIsLocal();

/**
 * Keeps the seats for as long as the charge may take, so a charge that completes late (asked again after a payments
 * worker died mid-call) still finds them: the hold's expiry in the events service moves to the end of the charge's
 * whole budget, never backward, bounded by it, and the activity's input and answer (and the memo's `seatsHeldUntil`)
 * record it. The booking's own payment deadline does not move: `expiresAt` in its view stays the instant it must be
 * paid by, the saga's timer still ends it then if no payment completes (a declined card leaves it HELD until then),
 * and that expiry releases the seats explicitly, extended or not. A hold whose seats another hold has claimed since
 * it lapsed (`lost`) is not charged at all. One that cannot be extended for another reason (the events service away)
 * keeps its original expiry: the charge goes on, and a capture whose seats were lost meanwhile is refunded. A hold
 * that already lasts beyond the budget (the usual ten-minute hold) is left as it is.
 */
async function keepSeatsWhileCharging(b: BookingState, request: PaymentRequest): Promise<'kept' | 'lost' | 'unknown'> {
  const until = heldForCharge();
  // A hold that outlasts the charge's whole budget already keeps its seats: no call is made for it.
  if (b.hold && Date.parse(b.hold.expiresAt) >= Date.parse(until)) return 'kept';
  try {
    const kept = await holds.extendHold({ holdId: b.input.bookingId, until });
    upsertMemo({ seatsHeldUntil: kept.expiresAt });
    return 'kept';
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const code = refusalBehind(err)?.code;
    if (code === 'SEATS_NO_LONGER_HELD') return 'lost';
    log.warn('the hold could not be kept for the charge; its seats keep their original expiry', {
      bookingId: b.input.bookingId,
      payment: request.n,
      until,
      code,
    });
    return 'unknown';
  }
}

/**
 * The seats went to someone else before the charge (the hold lapsed as the payment arrived, and another customer
 * claimed them): nothing is charged, the booking ends EXPIRED, and the payment is told so rather than charged and
 * refunded.
 */
async function seatsLostBeforeCharge(b: BookingState, request: PaymentRequest): Promise<Charged> {
  const code = 'SEATS_NO_LONGER_HELD';
  b.failureCode = code;
  await releaseHold(b, 'EXPIRED', 'system', `payment ${request.n}: the hold had lapsed and its seats were taken; nothing was charged`);
  const message = 'The hold expired and its seats went to another customer before the payment started; nothing was charged.';
  refusePayment(b, request, code, 'conflict', message);
  return 'ended';
}

/**
 * A refused charge (a declined card) took nothing; one that gave up is undone first (voided, or refunded if it
 * captured after all). Either way the booking is HELD again and may be paid until it expires.
 */
async function chargeFailed(b: BookingState, request: PaymentRequest, refusal: DomainFailure | undefined): Promise<Charged> {
  if (!refusal && !(await undoCharge(b, request))) {
    await failBooking(b, SAGA_FAILURES.compensationFailed, `payment ${request.n} could not be completed nor undone`, { release: true });
    const message = 'The payment could not be completed nor undone yet; the booking has been handed to an operator.';
    refusePayment(b, request, SAGA_FAILURES.compensationFailed, 'conflict', message);
    return 'ended';
  }
  const code = refusal?.code ?? SAGA_FAILURES.paymentFailed;
  b.failureCode = code;
  const outcome = refusal ? 'declined' : 'could not be completed and was undone';
  if (!(await record(b, 'HELD', 'system', `payment ${request.n} ${outcome}: ${code}`, { failureCode: code }))) {
    // The booking row still says PAYING: an open booking cannot stand beside it, so the booking ends.
    const why = `payment ${request.n} ${outcome}, and the booking could not be kept HELD`;
    await failBooking(b, SAGA_FAILURES.paymentNotRecorded, why, { release: true });
    refusePayment(b, request, SAGA_FAILURES.paymentNotRecorded, 'unavailable', 'The payment failed and the booking could not be kept.');
    return 'ended';
  }
  // Whatever refused the charge, to the booking it is a declined payment: it stays HELD and may be paid again.
  const message = refusal?.message ?? 'The payment could not be completed; nothing was charged. The booking is still HELD.';
  refusePayment(b, request, code, 'declined', message);
  return 'held';
}

const SEATS_LOST: RefundReason = {
  code: 'SEATS_NO_LONGER_HELD',
  key: 'seats-lost',
  refund: 'the seats were no longer held when the payment completed',
  transition: 'the hold expired while paying; payment refunded in full',
  seats: 'held',
};
const SEATS_NOT_CONFIRMED: RefundReason = {
  code: SAGA_FAILURES.seatsNotConfirmed,
  key: 'seats-not-confirmed',
  refund: 'the seats could not be sold after the payment',
  transition: 'the seats could not be sold after the payment; payment refunded in full',
  seats: 'in doubt',
};
const CONFIRMATION_NOT_RECORDED: RefundReason = {
  code: SAGA_FAILURES.confirmationNotRecorded,
  key: 'not-recorded',
  refund: 'the booking could not be confirmed after the payment',
  transition: 'the confirmation could not be recorded; payment refunded in full, seats back on sale',
  seats: 'sold',
};

/** What the customer hears when the saga had to give the money back (or could not, yet). */
const REFUND_MESSAGES: Record<string, string> = {
  SEATS_NO_LONGER_HELD: 'The hold expired before the payment completed; it was refunded.',
  [SAGA_FAILURES.seatsNotConfirmed]: 'The seats could not be sold after the payment; it was refunded in full.',
  [SAGA_FAILURES.confirmationNotRecorded]: 'The booking could not be confirmed after the payment; it was refunded in full.',
  [SAGA_FAILURES.compensationFailed]:
    'The booking could not be completed and its refund has not gone through yet; an operator will see to it.',
};

/** Step 4, confirm: the held seats become sold. Seats lost meanwhile, or a sale that cannot be made or written, are refunded. */
export async function confirm(b: BookingState, hold: HoldResult, request: PaymentRequest): Promise<void> {
  b.closing = true;
  try {
    await events.confirmSeats(b.input.bookingId);
  } catch (err) {
    const lost = refusalBehind(err)?.code === 'SEATS_NO_LONGER_HELD';
    return refunded(b, hold, request, lost ? SEATS_LOST : SEATS_NOT_CONFIRMED);
  }
  b.failureCode = null;
  const confirmed = await record(b, 'CONFIRMED', `customer:${b.input.customerId}`, 'paid; seats sold', {
    paymentId: b.paymentId,
    failureCode: null,
  });
  if (!confirmed) return refunded(b, hold, request, CONFIRMATION_NOT_RECORDED);
  answerPayment(b, request, { ok: true, booking: viewOf(b) });
}

async function refunded(b: BookingState, hold: HoldResult, request: PaymentRequest, why: RefundReason): Promise<void> {
  await refundCapture(b, hold, why);
  const code = b.failureCode ?? why.code;
  answerPayment(b, request, {
    ok: false,
    code,
    kind: 'conflict',
    message: REFUND_MESSAGES[code] ?? REFUND_MESSAGES[why.code]!,
    booking: viewOf(b),
  });
}
