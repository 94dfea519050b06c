// Cancelling an event: every unpaid hold is cancelled and every confirmed booking refunded (a few at a time), with
// the progress in the workflow's current details in the Temporal UI.
import { executeChild, getExternalWorkflowHandle, proxyActivities, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { BookingsActivities } from '../activities/bookings.activities.ts';
import { EVENT_BOOKINGS_ACTIVITIES } from './activity-options.ts';
import { bookingCancellationWorkflow } from './booking-cancellation.workflow.ts';
import { bookingCancellationWorkflowId, bookingWorkflowId, cancelSignal } from './booking-messages.ts';
import type { EventCancellationInput, EventCancellationResult } from './booking-types.ts';
import { TASK_QUEUES } from './task-queues.ts';

const bookings = proxyActivities<BookingsActivities>(EVENT_BOOKINGS_ACTIVITIES);

export async function eventCancellationWorkflow(input: EventCancellationInput): Promise<EventCancellationResult> {
  const result: EventCancellationResult = { eventId: input.eventId, holdsCancelled: 0, bookingsRefunded: 0 };
  const refunded = new Set<string>();
  const signalled = new Set<string>();
  const progress = (note: string) =>
    setCurrentDetails(`**${note}**\n\nholds cancelled: ${result.holdsCancelled}\n\nbookings refunded: ${result.bookingsRefunded}`);

  // Passes until nothing is left in flight: a booking paying right now becomes CONFIRMED and is refunded next pass.
  for (let pass = 1; ; pass++) {
    const all = await bookings.bookingsOfEvent(input.eventId);
    const open = all.filter((b) => (b.status === 'PENDING' || b.status === 'HELD') && !signalled.has(b.bookingId));
    const paying = all.filter(
      (b) => b.status === 'PAYING' || ((b.status === 'PENDING' || b.status === 'HELD') && signalled.has(b.bookingId)),
    );
    const confirmed = all.filter((b) => b.status === 'CONFIRMED' && b.paymentId && !refunded.has(b.bookingId));
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
          try {
            await executeChild(bookingCancellationWorkflow, {
              workflowId: bookingCancellationWorkflowId(booking.bookingId),
              taskQueue: TASK_QUEUES.bookings,
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              args: [
                {
                  bookingId: booking.bookingId,
                  customerId: booking.customerId,
                  eventId: input.eventId,
                  paymentId: booking.paymentId!,
                  actor: 'event-cancellation',
                  reason: `event cancelled: ${input.reason}`,
                },
              ],
            });
          } catch (err) {
            // The customer cancelled it already; that cancellation refunds it.
            if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
          }
          refunded.add(booking.bookingId);
          result.bookingsRefunded++;
          progress(`pass ${pass}: ${refunded.size} bookings refunded so far`);
        }),
      );
    }

    if (open.length === 0 && confirmed.length === 0 && paying.length === 0) break;
    await sleep('2 seconds');
  }
  progress('done');
  return result;
}
