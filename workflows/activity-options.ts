// How long each kind of activity may take and how it is retried, written once for every workflow that calls it.
// Domain refusals arrive non-retryable (activities/domain-failure.ts); these policies cover what may succeed next time.
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { TASK_QUEUES } from './task-queues.ts';

/** A quick database operation: asked again soon. */
const SOON: RetryPolicy = { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' };
/** An operation that waits on someone else (a gateway, a large read): asked again more patiently. */
const PATIENTLY: RetryPolicy = { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' };

/** Holding, confirming, releasing and returning seats (the events service). */
export const SEAT_ACTIVITIES: ActivityOptions = { taskQueue: TASK_QUEUES.events, startToCloseTimeout: '10 seconds', retry: SOON };

/** Charges and refunds (the payments service). */
export const PAYMENT_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.payments,
  // Longer than the gateway timeout; a retry asks the gateway again with the same key, so it never charges twice.
  startToCloseTimeout: '30 seconds',
  retry: PATIENTLY,
};

/** Writing a booking's transitions (the bookings service). */
export const BOOKKEEPING_ACTIVITIES: ActivityOptions = { taskQueue: TASK_QUEUES.bookings, startToCloseTimeout: '10 seconds', retry: SOON };

/** Reading every booking of an event (the bookings service): a large event takes longer than one transition. */
export const EVENT_BOOKINGS_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.bookings,
  startToCloseTimeout: '30 seconds',
  retry: PATIENTLY,
};

/** The platform check's ping, on each service's own queue: a few tries, then the check reports the service down. */
export const PING_ACTIVITIES: Omit<ActivityOptions, 'taskQueue'> = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
};
