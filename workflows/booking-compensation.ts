// The booking saga's ways out: compensations that undo a step (release or return the seats, refund or undo a charge)
// and the endings they lead to. Compensations are patient (SEAT_/PAYMENT_COMPENSATION_ACTIVITIES); one that gives up
// even so flags the booking for an operator (FAILED, COMPENSATION_FAILED) instead of leaving the saga hanging.
import { ActivityFailure, CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import type { Transition } from '../activities/bookings.activities.ts';
import type { HoldResult } from '../domain/events/seats.ts';
import { PAYMENT_COMPENSATION_ACTIVITIES, SEAT_COMPENSATION_ACTIVITIES } from './activity-options.ts';
import { record, type Pace } from './booking-record.ts';
import type { BookingState, PaymentRequest } from './booking-state.ts';
import type { BookingStatus } from './booking-types.ts';
import { refusalBehind } from './domain-failures.ts';
import { SAGA_FAILURES } from './saga-failures.ts';

const seats = proxyActivities<EventsActivities>(SEAT_COMPENSATION_ACTIVITIES);
const money = proxyActivities<PaymentsActivities>(PAYMENT_COMPENSATION_ACTIVITIES);

/** Runs one compensation to the end of its retry policy; false, with the booking flagged for an operator, if it gave up. */
async function compensate(b: BookingState, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await CancellationScope.nonCancellable(run);
    return true;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    b.failureCode = SAGA_FAILURES.compensationFailed;
    return false;
  }
}

const needsOperator = (b: BookingState) => b.failureCode === SAGA_FAILURES.compensationFailed;

export const releaseSeats = (b: BookingState) => compensate(b, () => seats.releaseSeats(b.input.bookingId));

const returnSeats = (b: BookingState) => compensate(b, () => seats.returnSeats(b.input.bookingId));

/** Seats whose sale is in doubt (a confirmation that gave up): released while held, returned if they were sold. */
async function freeSeatsInDoubt(b: BookingState): Promise<boolean> {
  let released = 0;
  const release = async () => {
    released = (await seats.releaseSeats(b.input.bookingId)).released;
  };
  if (!(await compensate(b, release))) return false;
  if (released > 0) return true;
  return compensate(b, () =>
    seats.returnSeats(b.input.bookingId).catch((err: unknown) => {
      // Nothing was sold: nothing to return.
      if (refusalBehind(err)?.code !== 'HOLD_NOT_SOLD') throw err;
    }),
  );
}

/** The codes of a step that gave up: more telling than OUTCOME_NOT_RECORDED, so an unwritten outcome keeps them. */
const STEP_FAILURES: ReadonlySet<string> = new Set(Object.values(SAGA_FAILURES));

/** Writes the saga's outcome; if that gives up, the workflow keeps it (the booking row is behind, the stuck list shows it). */
export async function close(
  b: BookingState,
  to: BookingStatus,
  actor: string,
  reason: string,
  extra: Partial<Transition> = {},
  pace?: Pace,
): Promise<void> {
  b.closing = true;
  if (await record(b, to, actor, reason, extra, pace)) return;
  if (!b.failureCode || !STEP_FAILURES.has(b.failureCode)) b.failureCode = SAGA_FAILURES.outcomeNotRecorded;
}

/** Cancellation or expiry before payment: the seats go back on sale. */
export async function releaseHold(b: BookingState, to: 'CANCELLED' | 'EXPIRED', actor: string, reason: string): Promise<void> {
  b.closing = true;
  if (await releaseSeats(b)) return close(b, to, actor, reason);
  await close(b, 'FAILED', 'system', `${reason}; the seats could not be released`, { failureCode: b.failureCode });
}

/** Ends the booking FAILED with this code, its seats released first when it may hold any. */
export async function failBooking(
  b: BookingState,
  code: string,
  reason: string,
  options: { release: boolean; pace?: Pace },
): Promise<void> {
  b.closing = true;
  b.failureCode = code;
  const released = !options.release || (await releaseSeats(b));
  const why = released ? reason : `${reason}; the seats could not be released`;
  await close(b, 'FAILED', 'system', why, { failureCode: b.failureCode }, options.pace);
}

/** A charge that gave up, undone by its key: voided, or refunded if it captured after all. */
export const undoCharge = (b: BookingState, request: PaymentRequest) =>
  compensate(b, () =>
    money.undoCharge({
      bookingId: b.input.bookingId,
      idempotencyKey: `${b.input.bookingId}:${request.n}`,
      reason: 'the payment could not be completed',
    }),
  );

export interface RefundReason {
  /** The booking's failure code once refunded. */
  code: string;
  /** Names the refund: one per reason, so a retried compensation refunds once. */
  key: string;
  /** What the refund and the REFUNDED transition say. */
  refund: string;
  transition: string;
  /** Where the seats stand: still held, sold, or unknown (a confirmation that gave up). */
  seats: 'held' | 'sold' | 'in doubt';
}

const freeSeats = (b: BookingState, where: RefundReason['seats']) =>
  where === 'held' ? releaseSeats(b) : where === 'sold' ? returnSeats(b) : freeSeatsInDoubt(b);

/** Compensation after a capture: the money goes back in full, then the seats; never money without seats. */
export async function refundCapture(b: BookingState, hold: HoldResult, why: RefundReason): Promise<void> {
  b.closing = true;
  const paymentId = b.paymentId!;
  const key = `${b.input.bookingId}:${why.key}`;
  const refunded = await compensate(b, () => money.refundPayment({ paymentId, idempotencyKey: key, reason: why.refund }));
  // Sold seats stay with money that could not be given back: the operator settles both together.
  if (refunded || why.seats !== 'sold') await freeSeats(b, why.seats);
  if (needsOperator(b)) {
    const failed = refunded ? 'its seats could not be freed' : 'the refund could not be made';
    const refundedMinor = refunded ? { refundedMinor: hold.totalMinor } : {};
    return close(b, 'FAILED', 'system', `${why.transition}; ${failed}`, { paymentId, failureCode: b.failureCode, ...refundedMinor });
  }
  b.failureCode = why.code;
  await close(b, 'REFUNDED', 'system', why.transition, { paymentId, failureCode: why.code, refundedMinor: hold.totalMinor });
}
