// How callers address the booking workflows: their workflow ids, and the saga's updates, signal and query, defined
// once for the workflow that handles them and the routes and workflows that send them.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BookingView, CancelRequest, HoldAnswer, PayAnswer, PayRequest } from './booking-types.ts';

export const bookingWorkflowId = (bookingId: string): string => `booking-${bookingId}`;
export const bookingCancellationWorkflowId = (bookingId: string): string => `booking-cancellation-${bookingId}`;

/** Answers once the seats are held, or with why they could not be. */
export const holdUpdate = defineUpdate<HoldAnswer>('hold');
export const payUpdate = defineUpdate<PayAnswer, [PayRequest]>('pay');
/** Answers with the booking once the saga has ended. */
export const cancelUpdate = defineUpdate<BookingView, [CancelRequest]>('cancel');
/** The same request as the cancel update, for senders that can only signal (the event-cancellation workflow). */
export const cancelSignal = defineSignal<[CancelRequest]>('cancelRequested');
export const statusQuery = defineQuery<BookingView>('status');
