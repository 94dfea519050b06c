// Cancelling a confirmed booking: refund (in full unless told otherwise), put the seats back on sale, and record it.
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BookingsActivities } from '../activities/bookings.activities.ts';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import type { CancellationInput, CancellationResult } from './booking-types.ts';
import { TASK_QUEUES } from './task-queues.ts';

const retry = { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' };
const events = proxyActivities<EventsActivities>({ taskQueue: TASK_QUEUES.events, startToCloseTimeout: '10 seconds', retry });
const payments = proxyActivities<PaymentsActivities>({ taskQueue: TASK_QUEUES.payments, startToCloseTimeout: '30 seconds', retry });
const bookings = proxyActivities<BookingsActivities>({ taskQueue: TASK_QUEUES.bookings, startToCloseTimeout: '10 seconds', retry });

export async function bookingCancellationWorkflow(input: CancellationInput): Promise<CancellationResult> {
  const workflowId = workflowInfo().workflowId;
  let seq = 0;
  const record = (to: 'CONFIRMED' | 'CANCELLED' | 'REFUNDED', reason: string, extra: { refundedMinor?: number } = {}) => {
    upsertSearchAttributes([{ key: { name: 'BookingStatus', type: 'KEYWORD' }, value: to }] as Parameters<
      typeof upsertSearchAttributes
    >[0]);
    return bookings.recordTransition({
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
    });
  };

  await record('CONFIRMED', `cancellation requested: ${input.reason}`);
  const refunded = await payments.refundPayment({
    paymentId: input.paymentId,
    amountMinor: input.refundMinor,
    reason: input.reason,
    idempotencyKey: `${input.bookingId}:cancellation`,
  });
  await events.returnSeats(input.bookingId);
  const status = refunded.status === 'REFUNDED' ? 'REFUNDED' : 'CANCELLED';
  await record(status, `${input.reason}; refunded ${refunded.refundedNowMinor} ${refunded.currency}; seats back on sale`, {
    refundedMinor: refunded.refundedMinor,
  });
  return { bookingId: input.bookingId, status, refundedMinor: refunded.refundedMinor };
}
