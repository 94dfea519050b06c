// Writing the booking saga's transitions: the workflow's status and search attribute first, then the booking record.
// A write that gives up is reported to the step that asked, which decides how the saga goes on, so the booking row
// is never behind its workflow by more than the one activity that writes it. The writes are local activities (run by
// the workflow worker within the workflow task that asks, activity-options.ts): a saga started before that replays
// with the regular activities it recorded.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BookingsActivities, Transition } from '../activities/bookings.activities.ts';
import { BOOKKEEPING_ACTIVITIES, CLOSING_BOOKKEEPING_ACTIVITIES, LOCAL_BOOKKEEPING_ACTIVITIES } from './activity-options.ts';
import type { BookingState } from './booking-state.ts';
import type { BookingStatus } from './booking-types.ts';
import { BOOKING_STATUS } from './search-attributes.ts';

/**
 * The patch that writes the saga's transitions as local activities (and leaves out the history events that say
 * nothing new: the first PENDING search attribute its start already set, booking-payment.ts's marker for a hold that
 * needed no extension). A saga whose history was written without it replays with regular activities.
 */
export const BOOKKEEPING_LOCAL = 'bookkeeping-local';

/** The activities the workflows run locally: the worker that hosts the workflows must register them itself. */
export const LOCAL_ACTIVITY_TYPES = ['recordTransition'] as const satisfies readonly (keyof BookingsActivities)[];

/** Whether this saga writes its transitions locally: from its first write on, or from the first after an upgrade. */
export const bookkeepingIsLocal = (): boolean => patched(BOOKKEEPING_LOCAL);

/** Local writes: run by the workflow worker inside the task that asks, within a request's time. */
const local = proxyLocalActivities<BookingsActivities>(LOCAL_BOOKKEEPING_ACTIVITIES);
/** Writes a request waits on: given up within that request's time. */
const answering = proxyActivities<BookingsActivities>(BOOKKEEPING_ACTIVITIES);
/** Writes of an outcome: asked again for longer. */
const closing = proxyActivities<BookingsActivities>(CLOSING_BOOKKEEPING_ACTIVITIES);

/** How patient a write is: `answering` while a customer's request waits on it, `closing` for an outcome. */
export type Pace = 'answering' | 'closing';

const OPEN: ReadonlySet<BookingStatus> = new Set(['PENDING', 'HELD', 'PAYING']);

/**
 * Writes one transition; false when the write gave up (the workflow's status is already `to`: the step that asked
 * decides whether to go back or on). Bookkeeping finishes even if the workflow is being cancelled.
 */
export async function record(
  b: BookingState,
  to: BookingStatus,
  actor: string,
  reason: string,
  extra: Partial<Transition> = {},
  pace: Pace = OPEN.has(to) ? 'answering' : 'closing',
): Promise<boolean> {
  const from = b.seq === 0 ? null : b.status;
  const isLocal = bookkeepingIsLocal();
  b.status = to;
  b.seq += 1;
  if (!isLocal || !saysAlready(to)) upsertSearchAttributes([{ key: BOOKING_STATUS, value: to }]);
  const transition: Transition = {
    bookingId: b.input.bookingId,
    source: 'booking',
    seq: b.seq,
    customerId: b.input.customerId,
    eventId: b.input.eventId,
    workflowId: b.workflowId,
    selection: b.input.selection,
    createdAt: b.input.requestedAt,
    from,
    to,
    at: new Date().toISOString(),
    actor,
    reason,
    ...extra,
  };
  if (isLocal) return CancellationScope.nonCancellable(() => writeLocally(transition, pace));
  try {
    await CancellationScope.nonCancellable(() => regular(pace).recordTransition(transition));
    return true;
  } catch (err) {
    if (err instanceof ActivityFailure) return false;
    throw err;
  }
}

const regular = (pace: Pace) => (pace === 'answering' ? answering : closing);

/** The search attribute says `to` already (PENDING, set by the saga's start): upserting it again would say nothing. */
const saysAlready = (to: BookingStatus): boolean => workflowInfo().typedSearchAttributes.get(BOOKING_STATUS) === to;

/**
 * A local write; false once it gave up. An outcome the worker's own attempts could not write (the bookings database
 * away) is asked again as a regular activity, patiently, as it was before; a refusal no retry can mend (non-retryable)
 * gives up at once.
 */
async function writeLocally(transition: Transition, pace: Pace): Promise<boolean> {
  try {
    await local.recordTransition(transition);
    return true;
  } catch (err) {
    // A local activity's own failure arrives as it was thrown (an ApplicationFailure); a timeout as an ActivityFailure.
    if (!(err instanceof ApplicationFailure || err instanceof ActivityFailure)) throw err;
    if (pace === 'answering' || refusedForGood(err)) return false;
  }
  try {
    await closing.recordTransition(transition);
    return true;
  } catch (err) {
    if (err instanceof ActivityFailure) return false;
    throw err;
  }
}

const refusedForGood = (err: ApplicationFailure | ActivityFailure): boolean => {
  const failure = err instanceof ApplicationFailure ? err : err.cause;
  return failure instanceof ApplicationFailure && failure.nonRetryable === true;
};

/** A transition that could not be written is taken back: the workflow says again what the booking row says. */
export function revert(b: BookingState, to: BookingStatus): void {
  b.status = to;
  upsertSearchAttributes([{ key: BOOKING_STATUS, value: to }]);
}
