// The booking saga's way to CONFIRMED for a booking that costs nothing: paid with the free gateway, its held seats
// are sold and it is confirmed, HELD → CONFIRMED, without a payment and without asking any payments activity. With no
// money taken, a sale that cannot be made or written ends the booking with its seats back on sale and nothing to refund.
import { ActivityFailure, CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { HoldResult } from '../domain/events/seats.ts';
import { SEAT_ACTIVITIES, SEAT_COMPENSATION_ACTIVITIES } from './activity-options.ts';
import { close, releaseHold } from './booking-compensation.ts';
import { refusePayment } from './booking-payment.ts';
import { record } from './booking-record.ts';
import { viewOf, type BookingState, type PaymentRequest } from './booking-state.ts';
import { FREE_GATEWAY } from './booking-types.ts';
import { refusalBehind } from './domain-failures.ts';
import { SAGA_FAILURES } from './saga-failures.ts';

const events = proxyActivities<EventsActivities>(SEAT_ACTIVITIES);
const seats = proxyActivities<EventsActivities>(SEAT_COMPENSATION_ACTIVITIES);

/** A payment the free step takes: the free gateway on a booking whose total is 0 (the pay validator allows no other). */
export const isFreePayment = (hold: HoldResult, request: PaymentRequest): boolean =>
  request.gateway === FREE_GATEWAY && hold.totalMinor === 0;

/** Steps 3 and 4 for a free booking: the seats become sold and the booking CONFIRMED, with no payment (paymentId null). */
export async function confirmFree(b: BookingState, request: PaymentRequest): Promise<void> {
  b.closing = true;
  try {
    await events.confirmSeats(b.input.bookingId);
  } catch (err) {
    if (refusalBehind(err)?.code === 'SEATS_NO_LONGER_HELD') return seatsLost(b, request);
    return notConfirmed(b, request, SAGA_FAILURES.seatsNotConfirmed, 'the seats could not be sold');
  }
  b.failureCode = null;
  const confirmed = await record(b, 'CONFIRMED', `customer:${b.input.customerId}`, 'free of charge; seats sold', {
    paymentId: null,
    failureCode: null,
  });
  if (!confirmed) return notConfirmed(b, request, SAGA_FAILURES.confirmationNotRecorded, 'the confirmation could not be recorded');
  b.payAnswers.set(request.n, { ok: true, booking: viewOf(b) });
}

/** The hold lapsed before the seats could be sold: nothing was taken, so the booking simply expires. */
async function seatsLost(b: BookingState, request: PaymentRequest): Promise<void> {
  await releaseHold(b, 'EXPIRED', 'system', 'the hold expired before the free booking could be confirmed; seats released');
  const code = b.failureCode ?? 'SEATS_NO_LONGER_HELD';
  refusePayment(b, request, code, 'conflict', 'The hold expired before the booking could be confirmed; nothing was charged.');
}

/** A sale that gave up or could not be written: the seats go back on sale (held or sold) and the booking ends FAILED. */
async function notConfirmed(b: BookingState, request: PaymentRequest, code: string, what: string): Promise<void> {
  b.failureCode = code;
  const freed = await freeSeatsInDoubt(b);
  const reason = `${what}; nothing was charged; ${freed ? 'seats back on sale' : 'the seats could not be freed'}`;
  await close(b, 'FAILED', 'system', reason, { failureCode: b.failureCode });
  const message = freed
    ? 'The booking could not be confirmed; nothing was charged and its seats are back on sale. Try again.'
    : 'The booking could not be confirmed and its seats could not be freed yet; an operator will see to it.';
  refusePayment(b, request, b.failureCode ?? code, 'conflict', message);
}

/** Released while still held, returned if the sale went through after all; false (flagged for an operator) if neither. */
async function freeSeatsInDoubt(b: BookingState): Promise<boolean> {
  const holdId = b.input.bookingId;
  try {
    await CancellationScope.nonCancellable(async () => {
      if ((await seats.releaseSeats(holdId)).released > 0) return;
      await seats.returnSeats(holdId).catch((err: unknown) => {
        // Nothing was sold: nothing to return.
        if (refusalBehind(err)?.code !== 'HOLD_NOT_SOLD') throw err;
      });
    });
    return true;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    b.failureCode = SAGA_FAILURES.compensationFailed;
    return false;
  }
}
