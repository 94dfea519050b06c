// Cancelling a confirmed booking: refund (in full unless told otherwise), put the seats back on sale, and record it.
// A refund that gives up leaves the booking CONFIRMED, its money and seats together, flagged REFUND_FAILED for an
// operator; seats that cannot be returned after the refund flag it COMPENSATION_FAILED. Either way the workflow ends.
// A payment already refunded in part is refunded only what is left; one with nothing left (refunded already, or a
// fee that keeps the rest) cancels the booking without a refund.
import { ActivityFailure, patched, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BookingsActivities, Transition } from '../activities/bookings.activities.ts';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import { CLOSING_BOOKKEEPING_ACTIVITIES, PAYMENT_COMPENSATION_ACTIVITIES, SEAT_COMPENSATION_ACTIVITIES } from './activity-options.ts';
import type { CancellationInput, CancellationResult } from './booking-types.ts';
import { refusalBehind } from './domain-failures.ts';
import { SAGA_FAILURES } from './saga-failures.ts';
import { BOOKING_STATUS } from './search-attributes.ts';

// A refund and the seats' return are what the customer asked for: as patient as any compensation.
const events = proxyActivities<EventsActivities>(SEAT_COMPENSATION_ACTIVITIES);
const payments = proxyActivities<PaymentsActivities>(PAYMENT_COMPENSATION_ACTIVITIES);
const bookings = proxyActivities<BookingsActivities>(CLOSING_BOOKKEEPING_ACTIVITIES);

/** Cancellations started before "nothing left to refund" was an answer took such a refusal as a failed refund. */
const NOTHING_LEFT = 'cancellation-nothing-left-to-refund';
/** The payments service's refusals that mean no money is left to give back on this payment. */
const NOTHING_LEFT_CODES: ReadonlySet<string> = new Set(['PAYMENT_NOT_REFUNDABLE', 'REFUND_EXCEEDS_CAPTURED']);

type Refunded = { status: string; refundedMinor?: number; refundedNowMinor: number; currency: string };

/** The key that names a cancellation's refund at the payments service: one refund per booking's cancellation. */
export const cancellationRefundKey = (bookingId: string): string => `${bookingId}:cancellation`;

/** Whether an activity went through; an activity that gave up (or was refused) is `false`, anything else is thrown. */
const wentThrough = (err: unknown): false => {
  if (err instanceof ActivityFailure) return false;
  throw err;
};

export async function bookingCancellationWorkflow(input: CancellationInput): Promise<CancellationResult> {
  const workflowId = workflowInfo().workflowId;
  let seq = 0;
  const record = (to: CancellationResult['status'], reason: string, extra: Pick<Transition, 'refundedMinor' | 'failureCode'> = {}) => {
    upsertSearchAttributes([{ key: BOOKING_STATUS, value: to }]);
    return bookings
      .recordTransition({
        bookingId: input.bookingId,
        source: 'cancellation',
        seq: ++seq,
        customerId: input.customerId,
        eventId: input.eventId,
        workflowId,
        selection: {},
        createdAt: new Date().toISOString(),
        from: 'CONFIRMED',
        to,
        at: new Date().toISOString(),
        actor: input.actor,
        reason,
        ...extra,
      })
      .then(() => true, wentThrough);
  };
  const ended = (status: CancellationResult['status'], refundedMinor: number, failureCode?: string): CancellationResult => ({
    bookingId: input.bookingId,
    status,
    refundedMinor,
    ...(failureCode ? { failureCode } : {}),
  });

  // Nothing is refunded that the booking cannot show was asked for.
  if (!(await record('CONFIRMED', `cancellation requested: ${input.reason}`))) {
    return ended('CONFIRMED', 0, SAGA_FAILURES.cancellationNotRecorded);
  }
  const refunded = await refundWhatIsLeft(input);
  if (!refunded) {
    const code = SAGA_FAILURES.refundFailed;
    await record('CONFIRMED', `${input.reason}; the refund could not be made, the booking stays confirmed`, { failureCode: code });
    return ended('CONFIRMED', 0, code);
  }
  const returned = await events.returnSeats(input.bookingId).then(() => true, wentThrough);
  const status = refunded.status === 'REFUNDED' ? 'REFUNDED' : 'CANCELLED';
  const failureCode = returned ? undefined : SAGA_FAILURES.compensationFailed;
  const seats = returned ? 'seats back on sale' : 'the seats could not be returned to sale';
  const money = refunded.refundedNowMinor > 0 ? `refunded ${refunded.refundedNowMinor} ${refunded.currency}` : 'nothing left to refund';
  const recorded = await record(status, `${input.reason}; ${money}; ${seats}`, {
    ...(refunded.refundedMinor !== undefined ? { refundedMinor: refunded.refundedMinor } : {}),
    ...(failureCode ? { failureCode } : {}),
  });
  return ended(status, refunded.refundedMinor ?? 0, failureCode ?? (recorded ? undefined : SAGA_FAILURES.outcomeNotRecorded));
}

/**
 * Refunds what the cancellation gives back: all that is left above `keepMinor` (the policy's fee), or `refundMinor`
 * (how cancellations started before `keepMinor` named the amount), or else all that is left. False when the refund
 * gave up. Nothing to give back (a fee that keeps the rest, or a payment
 * refunded already) is no refund at all: the booking is CANCELLED keeping the fee, or REFUNDED when nothing is kept.
 */
async function refundWhatIsLeft(input: CancellationInput): Promise<Refunded | false> {
  const nothingLeft = (status: 'REFUNDED' | 'SUCCEEDED'): Refunded => ({ status, refundedNowMinor: 0, currency: '' });
  // A free booking paid nothing: it is CANCELLED with no refund. (No earlier cancellation had a booking without a
  // payment, so this branch changes no recorded history.)
  const { paymentId } = input;
  if (paymentId === null) return nothingLeft('SUCCEEDED');
  if (input.refundMinor === 0 && patched(NOTHING_LEFT)) return nothingLeft('SUCCEEDED');
  return payments
    .refundPayment({
      paymentId,
      amountMinor: input.refundMinor,
      ...(input.keepMinor === undefined ? {} : { keepMinor: input.keepMinor }),
      reason: input.reason,
      idempotencyKey: cancellationRefundKey(input.bookingId),
    })
    .catch((err: unknown) => {
      const code = refusalBehind(err)?.code;
      if (code && NOTHING_LEFT_CODES.has(code) && patched(NOTHING_LEFT))
        return nothingLeft(input.refundMinor === undefined && !input.keepMinor ? 'REFUNDED' : 'SUCCEEDED');
      return wentThrough(err);
    });
}
