// Cancelling a confirmed booking: refund (in full unless told otherwise), put the seats back on sale, and record it.
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BookingsActivities } from '../activities/bookings.activities.ts';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import { BOOKKEEPING_ACTIVITIES, PAYMENT_ACTIVITIES, SEAT_ACTIVITIES } from './activity-options.ts';
import type { CancellationInput, CancellationResult } from './booking-types.ts';
import { BOOKING_STATUS } from './search-attributes.ts';

const events = proxyActivities<EventsActivities>(SEAT_ACTIVITIES);
const payments = proxyActivities<PaymentsActivities>(PAYMENT_ACTIVITIES);
const bookings = proxyActivities<BookingsActivities>(BOOKKEEPING_ACTIVITIES);

export async function bookingCancellationWorkflow(input: CancellationInput): Promise<CancellationResult> {
  const workflowId = workflowInfo().workflowId;
  let seq = 0;
  const record = (to: 'CONFIRMED' | 'CANCELLED' | 'REFUNDED', reason: string, extra: { refundedMinor?: number } = {}) => {
    upsertSearchAttributes([{ key: BOOKING_STATUS, value: to }]);
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
