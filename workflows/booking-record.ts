// Writing the booking saga's transitions: the workflow's status and search attribute first, then the booking record.
// A write that gives up is reported to the step that asked, which decides how the saga goes on, so the booking row
// is never behind its workflow by more than the one activity that writes it.
import { ActivityFailure, CancellationScope, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { BookingsActivities, Transition } from '../activities/bookings.activities.ts';
import { BOOKKEEPING_ACTIVITIES, CLOSING_BOOKKEEPING_ACTIVITIES } from './activity-options.ts';
import type { BookingState } from './booking-state.ts';
import type { BookingStatus } from './booking-types.ts';
import { BOOKING_STATUS } from './search-attributes.ts';

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
  b.status = to;
  b.seq += 1;
  upsertSearchAttributes([{ key: BOOKING_STATUS, value: to }]);
  const bookings = pace === 'answering' ? answering : closing;
  try {
    await CancellationScope.nonCancellable(() =>
      bookings.recordTransition({
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
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ActivityFailure) return false;
    throw err;
  }
}

/** A transition that could not be written is taken back: the workflow says again what the booking row says. */
export function revert(b: BookingState, to: BookingStatus): void {
  b.status = to;
  upsertSearchAttributes([{ key: BOOKING_STATUS, value: to }]);
}
