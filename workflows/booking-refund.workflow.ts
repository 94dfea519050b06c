// A refund of a booking's payment, whoever asks for it, as part of that booking's story: a refund of all that is left
// cancels the booking through its cancellation workflow (REFUNDED, seats back on sale); a refund of part is made and
// written on the booking (refundedMinor, a history line with actor and reason), which stays CONFIRMED. A payment that
// no booking here names is simply refunded. Every answer is a refund made or a refusal with a stable code.
import { ActivityFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BookingsActivities, RefundableBooking, Transition } from '../activities/bookings.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import type { DomainErrorKind } from '../common/errors/domain-error.ts';
import { BOOKKEEPING_ACTIVITIES, CLOSING_BOOKKEEPING_ACTIVITIES, PAYMENT_COMPENSATION_ACTIVITIES } from './activity-options.ts';
import { bookingCancellationWorkflow, cancellationRefundKey } from './booking-cancellation.workflow.ts';
import { bookingCancellationWorkflowId } from './booking-messages.ts';
import type { BookingStatus } from './booking-types.ts';
import { refusalBehind } from './domain-failures.ts';
import { SAGA_FAILURES } from './saga-failures.ts';
import { TASK_QUEUES } from './task-queues.ts';

/** One refund request's workflow: the tag is named by the request's idempotency key, so a retry joins it. */
export const bookingRefundWorkflowId = (bookingId: string, tag: string): string => `booking-refund-${bookingId}-${tag}`;

export interface BookingRefundInput {
  paymentId: string;
  bookingId: string;
  /** Minor units; all that is left when absent. */
  amountMinor?: number;
  reason: string | null;
  /** Who asked: `admin:<id>`. */
  actor: string;
  /** Names the refund at the payments service, so a retried request refunds once. */
  idempotencyKey: string;
  /** A short name of the key (hex): the workflow id's tail and the booking history's `refund-<tag>` lines. */
  tag: string;
}

/** A refund made, named by its key at the payments service (the request's, or the booking's cancellation's), or a refusal. */
export type BookingRefundResult = { ok: true; refundKey: string } | { ok: false; code: string; kind: DomainErrorKind; message: string };

/** Looking the booking up answers a waiting admin: given up soon. */
const lookup = proxyActivities<BookingsActivities>(BOOKKEEPING_ACTIVITIES);
const bookings = proxyActivities<BookingsActivities>(CLOSING_BOOKKEEPING_ACTIVITIES);
const payments = proxyActivities<PaymentsActivities>(PAYMENT_COMPENSATION_ACTIVITIES);

const OPEN: ReadonlySet<BookingStatus> = new Set(['PENDING', 'HELD', 'PAYING']);

const refused = (kind: DomainErrorKind, code: string, message: string): BookingRefundResult => ({ ok: false, code, kind, message });

export async function bookingRefundWorkflow(input: BookingRefundInput): Promise<BookingRefundResult> {
  const booking = await lookup.bookingForRefund(input.bookingId).catch((err: unknown) => {
    if (err instanceof ActivityFailure) return undefined;
    throw err;
  });
  if (booking === undefined) return refused('unavailable', 'BOOKING_NOT_READ', 'The booking of this payment could not be read; try again.');
  if (!booking || booking.paymentId !== input.paymentId) return (await refundOnly(input, null)).answer;
  if (OPEN.has(booking.status)) {
    return refused('conflict', 'BOOKING_NOT_SETTLED', `The booking is ${booking.status}: its saga settles its payment, not a refund.`);
  }
  if (booking.status !== 'CONFIRMED') return (await refundOnly(input, booking)).answer;
  const left = (booking.amountMinor ?? 0) - booking.refundedMinor;
  if (input.amountMinor !== undefined && input.amountMinor < left) return refundPart(input, booking);
  if (input.amountMinor !== undefined && input.amountMinor > left) {
    return refused('conflict', 'REFUND_EXCEEDS_CAPTURED', `Only ${left} (minor units) of this booking's payment can still be refunded.`);
  }
  return cancelBooking(input, booking);
}

/** A refund of all that is left: the booking's cancellation, which refunds it and puts the seats back on sale. */
async function cancelBooking(input: BookingRefundInput, booking: RefundableBooking): Promise<BookingRefundResult> {
  try {
    const cancelled = await executeChild(bookingCancellationWorkflow, {
      workflowId: bookingCancellationWorkflowId(booking.bookingId),
      taskQueue: TASK_QUEUES.bookings,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // The cancellation finishes whatever becomes of the request that started it.
      parentClosePolicy: 'ABANDON',
      args: [
        {
          bookingId: booking.bookingId,
          customerId: booking.customerId,
          eventId: booking.eventId,
          paymentId: input.paymentId,
          actor: input.actor,
          reason: input.reason ?? 'refunded in full by an admin',
        },
      ],
    });
    if (cancelled.failureCode === SAGA_FAILURES.refundFailed || cancelled.failureCode === SAGA_FAILURES.cancellationNotRecorded) {
      return refused('unavailable', cancelled.failureCode, 'The refund could not be made yet; the booking stays CONFIRMED.');
    }
    return { ok: true, refundKey: cancellationRefundKey(booking.bookingId) };
  } catch (err) {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') {
      const message = 'This booking is cancelled, or its cancellation is under way; its refund is part of that cancellation.';
      return refused('conflict', 'BOOKING_ALREADY_CANCELLED', message);
    }
    throw err;
  }
}

/** A refund of part of a confirmed booking's payment: asked for on the booking, made, then written on it. */
async function refundPart(input: BookingRefundInput, booking: RefundableBooking): Promise<BookingRefundResult> {
  const asked = `refund of ${input.amountMinor} requested: ${input.reason ?? 'no reason given'}`;
  if (!(await note(input, booking, 1, asked))) {
    return refused('unavailable', 'REFUND_NOT_RECORDED', 'The refund could not be recorded on the booking, so nothing was refunded.');
  }
  const { answer, allRefunded } = await refundOnly(input, booking, 2);
  if (!answer.ok || !allRefunded) return answer;
  // The payment had less left than the booking showed: everything is refunded now, so the booking ends (the
  // cancellation finds nothing left to refund and puts the seats back on sale).
  await cancelBooking(input, booking);
  return answer;
}

type Refunding = { answer: BookingRefundResult; allRefunded: boolean };

/** Refunds the payment; with a booking, the outcome is written on it as a line that keeps its status. */
async function refundOnly(input: BookingRefundInput, booking: RefundableBooking | null, seq = 1): Promise<Refunding> {
  try {
    const refunded = await payments.refundPayment({
      paymentId: input.paymentId,
      amountMinor: input.amountMinor,
      reason: input.reason,
      idempotencyKey: input.idempotencyKey,
    });
    if (booking) {
      const why = `refunded ${refunded.refundedNowMinor} ${refunded.currency}: ${input.reason ?? 'no reason given'}`;
      await note(input, booking, seq, why, { refundedMinor: refunded.refundedMinor });
    }
    return { answer: { ok: true, refundKey: input.idempotencyKey }, allRefunded: refunded.status === 'REFUNDED' };
  } catch (err) {
    const refusal = refusalBehind(err);
    if (!(err instanceof ActivityFailure)) throw err;
    if (booking) await note(input, booking, seq, `refund refused: ${refusal?.code ?? SAGA_FAILURES.refundFailed}`);
    const answer = refusal?.code
      ? refused(refusal.kind ?? 'conflict', refusal.code, refusal.message)
      : refused('unavailable', SAGA_FAILURES.refundFailed, 'The refund could not be made; nothing was refunded. Try again.');
    return { answer, allRefunded: false };
  }
}

/** A history line of this refund on the booking, its status unchanged; false when it could not be written. */
function note(
  input: BookingRefundInput,
  booking: RefundableBooking,
  seq: number,
  reason: string,
  extra: Pick<Transition, 'refundedMinor'> = {},
): Promise<boolean> {
  const at = new Date().toISOString();
  return bookings
    .recordTransition({
      bookingId: booking.bookingId,
      source: `refund-${input.tag}`,
      seq,
      customerId: booking.customerId,
      eventId: booking.eventId,
      workflowId: workflowInfo().workflowId,
      selection: {},
      createdAt: at,
      from: booking.status,
      to: booking.status,
      at,
      actor: input.actor,
      reason,
      ...extra,
    })
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof ActivityFailure) return false;
        throw err;
      },
    );
}
