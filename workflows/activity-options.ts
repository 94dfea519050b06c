// How long each kind of activity may take and how it is retried, written once for every workflow that calls it.
// Every policy ends: an activity that keeps failing gives up, and the workflow compensates and ends with a failure
// code. Domain refusals and database errors no retry can mend arrive non-retryable (activities/domain-failure.ts)
// and end at the first attempt; these policies bound what may succeed next time (a lost connection, a gateway away).
//
// | options                        | activities                                  | attempt | heartbeat | gives up after       |
// |--------------------------------|---------------------------------------------|---------|-----------|----------------------|
// | SEAT_ACTIVITIES                | holdSeats, confirmSeats                     | 10 s    |           | 8 attempts or 20 s   |
// | HOLD_EXTENSION_ACTIVITIES      | extendHold                                  | 5 s     |           | 8 attempts or 10 s   |
// | SEAT_COMPENSATION_ACTIVITIES   | releaseSeats, returnSeats                   | 10 s    |           | 6 hours              |
// | PAYMENT_ACTIVITIES             | chargePayment                               | 15 s    | 5 s       | 5 attempts or 2 min  |
// | PAYMENT_COMPENSATION_ACTIVITIES| refundPayment, undoCharge                   | 15 s    | 5 s       | 6 hours              |
// | LOCAL_BOOKKEEPING_ACTIVITIES   | the saga's recordTransition, local          | 10 s    |           | 8 attempts or 20 s   |
// | BOOKKEEPING_ACTIVITIES         | recordTransition a request waits on         | 10 s    |           | 8 attempts or 20 s   |
// | CLOSING_BOOKKEEPING_ACTIVITIES | recordTransition of an outcome              | 10 s    |           | 30 min               |
// | EVENT_BOOKINGS_ACTIVITIES      | bookingsOfEvent                             | 30 s    |           | 30 min               |
// | PING_ACTIVITIES                | ping                                        | 10 s    |           | 5 attempts or 1 min  |
//
// An activity with a heartbeat says it is alive every second while it waits on someone else (the card network): a
// worker that dies mid-call is noticed when the heartbeat stops, and the call is asked again on another worker.
//
// The booking saga's own transitions run as local activities: on the workflow worker itself (the bookings service's,
// which hosts the recordTransition activity), inside the workflow task that asked for them, with no task dispatch and
// no history events beyond one marker each. A write that gives up there is asked again as a regular activity when it
// records an outcome (CLOSING_BOOKKEEPING_ACTIVITIES), so a long outage waits on the server's retries, not in a
// workflow task kept open by heartbeats.
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { TASK_QUEUES } from './task-queues.ts';

/** A quick database operation a customer's request waits on: asked again soon, a few times. */
const SOON: RetryPolicy = { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 8 };
/** An operation that waits on someone else (a gateway, a large read): asked again more patiently. */
const PATIENTLY: RetryPolicy = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' };
/** Compensation: giving up loses a customer's money or takes seats off sale, so it is asked again for hours. */
const FOR_HOURS: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' };

/**
 * Holding and confirming seats (the events service). The hold answers POST /bookings and the confirmation the pay
 * request, both within the gateway's 30 s upstream timeout; an events database away for longer fails the step and
 * the saga compensates (a failed hold releases whatever it may have claimed; an unconfirmed sale is refunded).
 */
export const SEAT_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.events,
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '20 seconds',
  retry: SOON,
};

/** Releasing held seats and returning sold ones: compensation, asked again for 6 hours before an operator is called. */
export const SEAT_COMPENSATION_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.events,
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '6 hours',
  retry: FOR_HOURS,
};

/**
 * Keeping a hold's seats while its charge is in flight (the events service). Quick, and given up soon: the charge
 * does not wait long on it, and a hold that could not be extended simply keeps its original expiry.
 */
export const HOLD_EXTENSION_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.events,
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '10 seconds',
  retry: SOON,
};

/**
 * Charges (the payments service). An attempt may take the card network's own timeout (PAYMENT_GATEWAY_TIMEOUT_MS,
 * 10 s) and the payment's bookkeeping; it heartbeats meanwhile, so a payments worker that dies mid-charge is noticed
 * within 5 s, not at the end of the attempt. A retry asks the gateway again with the same key, so it never charges
 * twice. After 2 minutes the customer has long stopped waiting: the saga undoes whatever the charge did (voided or
 * refunded) and the booking stays HELD, payable again. The whole budget is in milliseconds: the saga keeps the seats
 * held that long while the charge is in flight (booking-payment.ts).
 */
export const PAYMENT_ACTIVITIES = {
  taskQueue: TASK_QUEUES.payments,
  startToCloseTimeout: '15 seconds',
  heartbeatTimeout: '5 seconds',
  scheduleToCloseTimeout: 2 * 60_000,
  retry: { ...PATIENTLY, maximumAttempts: 5 },
} satisfies ActivityOptions;

/**
 * Refunds and undoing an abandoned charge: compensation for money taken, asked again for 6 hours. Each attempt waits
 * on the card network as a charge does, and heartbeats as a charge does.
 */
export const PAYMENT_COMPENSATION_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.payments,
  startToCloseTimeout: '15 seconds',
  heartbeatTimeout: '5 seconds',
  scheduleToCloseTimeout: '6 hours',
  retry: FOR_HOURS,
};

/**
 * The booking saga's transitions as local activities, every one a customer's request may wait on: given up within
 * the same 20 s as BOOKKEEPING_ACTIVITIES, so a bookings database that is away still ends the step as before (the
 * answering writes return false; an outcome is then asked again as a regular CLOSING_BOOKKEEPING_ACTIVITIES write).
 * The whole budget stays above the workflow task timeout (10 s): while an attempt or a backoff outlasts it, the worker
 * completes the task and carries on in the next one (a workflow task heartbeat), so the saga is not retried over it,
 * and a worker that dies meanwhile leaves the write to the next worker, which asks again from the first attempt (a
 * transition is written once by its sequence number, however often it is asked). Every backoff stays below the local
 * retry threshold (1 minute): none becomes a timer.
 */
export const LOCAL_BOOKKEEPING_ACTIVITIES: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '20 seconds',
  retry: SOON,
};

/**
 * Writing a transition a customer's request waits on (PENDING, HELD, PAYING, and HELD again after a decline): given
 * up within that request's time, so the saga answers it (and undoes the step) instead of leaving it to time out.
 */
export const BOOKKEEPING_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.bookings,
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '20 seconds',
  retry: SOON,
};

/**
 * Writing an outcome (CONFIRMED, EXPIRED, CANCELLED, FAILED, REFUNDED, and the cancellation's records): what the
 * booking shows from then on, so it is asked again for 30 minutes; a booking database away longer than that leaves
 * the booking row behind its workflow, which the stuck-saga gauge and GET /bookings/attention show.
 */
export const CLOSING_BOOKKEEPING_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.bookings,
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { ...PATIENTLY, maximumInterval: '1 minute' },
};

/**
 * Reading every booking of an event (the bookings service): a large event takes longer than one transition. Given up
 * after 30 minutes: the event cancellation then ends with what it has done and says it could not read the rest.
 */
export const EVENT_BOOKINGS_ACTIVITIES: ActivityOptions = {
  taskQueue: TASK_QUEUES.bookings,
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { ...PATIENTLY, maximumInterval: '30 seconds' },
};

/** The platform check's ping, on each service's own queue: a few tries, then the check reports the service down. */
export const PING_ACTIVITIES: Omit<ActivityOptions, 'taskQueue'> = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
};
