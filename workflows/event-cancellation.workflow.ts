// Cancelling an event: every unpaid hold is cancelled and every confirmed booking refunded (a few at a time), with
// the progress in the workflow's current details in the Temporal UI. It always ends: bookings whose cancellation
// needs an operator, bookings still in flight when the wait for them runs out, and an unreadable booking list are
// reported in its result rather than waited on for ever.
import {
  ActivityFailure,
  ChildWorkflowFailure,
  executeChild,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  sleep,
} from '@temporalio/workflow';
import type { BookingsActivities, EventBooking } from '../activities/bookings.activities.ts';
import { EVENT_BOOKINGS_ACTIVITIES } from './activity-options.ts';
import { bookingCancellationWorkflow } from './booking-cancellation.workflow.ts';
import { bookingCancellationWorkflowId, bookingWorkflowId, cancelSignal } from './booking-messages.ts';
import type { EventCancellationInput, EventCancellationResult } from './booking-types.ts';
import { SAGA_FAILURES } from './saga-failures.ts';
import { TASK_QUEUES } from './task-queues.ts';

const bookings = proxyActivities<BookingsActivities>(EVENT_BOOKINGS_ACTIVITIES);

/** Workflows started before the wait was bounded keep waiting as they did (their histories have no such marker). */
const BOUNDED_WAIT = 'event-cancellation-bounded-wait';
/** How long bookings in flight (paying, or cancelled and not yet released) are waited for: past every step's bound. */
const IN_FLIGHT_WAIT_MS = 60 * 60_000;
/** Passes a moment apart at first (a payment finishing), then further apart, so an hour's wait stays a short history. */
const QUICK_PASSES = 30;

export async function eventCancellationWorkflow(input: EventCancellationInput): Promise<EventCancellationResult> {
  const bounded = patched(BOUNDED_WAIT);
  const giveUpAt = Date.now() + IN_FLIGHT_WAIT_MS;
  const result: EventCancellationResult = { eventId: input.eventId, holdsCancelled: 0, bookingsRefunded: 0 };
  const refunded = new Set<string>();
  const signalled = new Set<string>();
  const needsOperator = new Set<string>();
  const progress = (note: string) =>
    setCurrentDetails(`**${note}**\n\nholds cancelled: ${result.holdsCancelled}\n\nbookings refunded: ${result.bookingsRefunded}`);
  const finish = (extra: Partial<EventCancellationResult> = {}): EventCancellationResult => {
    progress(extra.failureCode ? `ended: ${extra.failureCode}` : 'done');
    return { ...result, ...(needsOperator.size > 0 ? { needsOperator: [...needsOperator] } : {}), ...extra };
  };

  // Passes until nothing is left in flight: a booking paying right now becomes CONFIRMED and is refunded next pass.
  for (let pass = 1; ; pass++) {
    const all = await bookings.bookingsOfEvent(input.eventId).catch((err: unknown) => {
      if (err instanceof ActivityFailure) return undefined;
      throw err;
    });
    if (!all) return finish({ failureCode: SAGA_FAILURES.bookingsNotRead });
    const open = all.filter((b) => (b.status === 'PENDING' || b.status === 'HELD') && !signalled.has(b.bookingId));
    const paying = all.filter(
      (b) => b.status === 'PAYING' || ((b.status === 'PENDING' || b.status === 'HELD') && signalled.has(b.bookingId)),
    );
    // Free bookings (no payment) are cancelled the same way; their cancellation simply refunds nothing.
    const confirmed = all.filter((b) => b.status === 'CONFIRMED' && !refunded.has(b.bookingId));
    progress(`pass ${pass}: ${open.length} holds, ${confirmed.length} bookings to refund, ${paying.length} in flight`);

    for (const booking of open) {
      await getExternalWorkflowHandle(bookingWorkflowId(booking.bookingId))
        .signal(cancelSignal, { actor: 'event-cancellation', reason: `event cancelled: ${input.reason}` })
        .catch(() => undefined); // already finished
      signalled.add(booking.bookingId);
      result.holdsCancelled++;
    }

    for (let i = 0; i < confirmed.length; i += input.parallelism) {
      await Promise.all(
        confirmed.slice(i, i + input.parallelism).map(async (booking) => {
          if (await refundConfirmed(input, booking)) result.bookingsRefunded++;
          else needsOperator.add(booking.bookingId);
          refunded.add(booking.bookingId);
          progress(`pass ${pass}: ${refunded.size} bookings refunded so far`);
        }),
      );
    }

    if (open.length === 0 && confirmed.length === 0 && paying.length === 0) break;
    if (bounded && open.length === 0 && confirmed.length === 0 && Date.now() >= giveUpAt) {
      return finish({ stillInFlight: paying.map((b) => b.bookingId) });
    }
    await sleep(bounded && pass > QUICK_PASSES ? '15 seconds' : '2 seconds');
  }
  return finish();
}

/** Cancels one confirmed booking as a child workflow; false when that cancellation ended needing an operator. */
async function refundConfirmed(input: EventCancellationInput, booking: EventBooking): Promise<boolean> {
  try {
    const cancelled = await executeChild(bookingCancellationWorkflow, {
      workflowId: bookingCancellationWorkflowId(booking.bookingId),
      taskQueue: TASK_QUEUES.bookings,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [
        {
          bookingId: booking.bookingId,
          customerId: booking.customerId,
          eventId: input.eventId,
          paymentId: booking.paymentId,
          actor: 'event-cancellation',
          reason: `event cancelled: ${input.reason}`,
        },
      ],
    });
    return cancelled.failureCode === undefined;
  } catch (err) {
    // The customer cancelled it already; that cancellation refunds it.
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') return true;
    // A cancellation that did not end by itself (terminated, timed out) is for an operator to finish.
    if (err instanceof ChildWorkflowFailure) return false;
    throw err;
  }
}
