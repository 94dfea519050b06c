// The booking saga: hold → wait for payment (or cancellation) until the hold expires → charge → confirm → CONFIRMED
// (a booking that costs nothing, paid with the free gateway, is confirmed without a charge: booking-free.ts).
// Expiry and cancellation release the seats; a payment that lands after the seats were lost is refunded. A step that
// gives up is undone (booking-compensation.ts) and the saga ends with a failure code. Never money without seats,
// never seats without an owner, and never a saga that does not end. A hold the bookings service claimed before the
// saga started (BookingInput.claimedHold) is adopted as the saga's own: no hold step, and every way out releases it.
import { condition, patched, proxyActivities, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { DomainErrorKind } from '../common/errors/domain-error.ts';
import type { HoldResult } from '../domain/events/seats.ts';
import { SEAT_ACTIVITIES } from './activity-options.ts';
import { close, failBooking, releaseHold } from './booking-compensation.ts';
import { confirmFree, isFreePayment } from './booking-free.ts';
import { charge, confirm, refusePayment } from './booking-payment.ts';
import { record } from './booking-record.ts';
import { handleBookingMessages, newBookingState, viewOf, type BookingState, type PaymentRequest } from './booking-state.ts';
import type { BookingInput, BookingView, CancelRequest } from './booking-types.ts';
import { refusalBehind, type DomainFailure } from './domain-failures.ts';
import { SAGA_FAILURES } from './saga-failures.ts';

const events = proxyActivities<EventsActivities>(SEAT_ACTIVITIES);

/** The patch that adopts a hold claimed before the saga started; a saga without it holds the seats itself. */
const HOLD_CLAIMED_BEFORE_START = 'hold-claimed-before-start';

export async function bookingWorkflow(input: BookingInput): Promise<BookingView> {
  const booking = newBookingState(input, workflowInfo().workflowId);
  handleBookingMessages(booking);
  await runSaga(booking);
  answerWhatIsLeft(booking);
  booking.ended = true;
  return viewOf(booking);
}

async function runSaga(b: BookingState): Promise<void> {
  const claimed = claimedHold(b);
  if (!(await record(b, 'PENDING', `customer:${b.input.customerId}`, 'booking requested'))) return bookingNotRecorded(b, claimed);
  const hold = claimed ? await heldFor(b, claimed) : await holdSeats(b);
  if (!hold) return;
  for (;;) {
    const next = await awaitPaymentOrCancel(b, hold);
    if (next.step === 'cancel') return releaseHold(b, 'CANCELLED', next.request.actor, next.request.reason);
    if (next.step === 'expire') return releaseHold(b, 'EXPIRED', 'system', 'the hold expired unpaid; seats released');
    // A booking that costs nothing is confirmed without a charge; the pay validator sends it no card gateway.
    if (isFreePayment(hold, next.request)) return confirmFree(b, next.request);
    // A declined card leaves the booking HELD until it expires: the customer may try another card.
    const charged = await charge(b, hold, next.request);
    if (charged === 'captured') return confirm(b, hold, next.request);
    if (charged === 'ended') return;
  }
}

function answerHold(b: BookingState, code: string, kind: DomainErrorKind, message: string, seatIds: string[] = []): void {
  b.holdAnswer = { ok: false, code, kind, message, seatIds, booking: viewOf(b) };
}

/**
 * The hold the bookings service claimed in the events service before it started the saga (its hold id is the
 * booking id), when there is one: from then on the saga's to release, as if it had made it.
 */
function claimedHold(b: BookingState): HoldResult | undefined {
  const claimed = b.input.claimedHold;
  return claimed && patched(HOLD_CLAIMED_BEFORE_START) ? claimed : undefined;
}

/** The booking could not be written at all: nothing was held (or the claimed hold is released), and the saga ends. */
async function bookingNotRecorded(b: BookingState, claimed: HoldResult | undefined): Promise<void> {
  const code = SAGA_FAILURES.bookingNotRecorded;
  if (claimed) {
    await failBooking(b, code, 'the booking could not be recorded; its claimed seats were released', { release: true, pace: 'answering' });
    answerHold(b, code, 'unavailable', 'The booking could not be recorded; its seats were released. Try again.');
    return;
  }
  await failBooking(b, code, 'the booking could not be recorded; nothing was held', { release: false, pace: 'answering' });
  answerHold(b, code, 'unavailable', 'The booking could not be recorded; nothing was held. Try again.');
}

/** Step 1, hold: all the seats or none. A refusal ends the booking FAILED and tells the hold update which seats. */
async function holdSeats(b: BookingState): Promise<HoldResult | undefined> {
  const { input } = b;
  try {
    b.hold = await events.holdSeats({
      holdId: input.bookingId,
      eventId: input.eventId,
      customerId: input.customerId,
      selection: input.selection,
      until: new Date(Date.now() + input.holdTtlMs).toISOString(),
    });
  } catch (err) {
    const refusal = refusalBehind(err);
    if (refusal) return void (await refuseHold(b, refusal));
    // Whatever a hold that gave up may have claimed is released; the release also bars a late claim.
    const code = SAGA_FAILURES.holdFailed;
    await failBooking(b, code, 'the seats could not be held; any claimed were released', { release: true, pace: 'answering' });
    answerHold(b, code, 'unavailable', 'The seats could not be held right now; nothing is held. Try again.');
    return undefined;
  }
  return heldFor(b, b.hold);
}

/**
 * The seats are held (by the hold step, or claimed before the saga started): the booking becomes HELD and the hold
 * update hears so once its row says so. A hold that cannot be written is released and the booking ends FAILED.
 */
async function heldFor(b: BookingState, hold: HoldResult): Promise<HoldResult | undefined> {
  b.hold = hold;
  upsertMemo({ seats: hold.seats.map((s) => s.label), amountMinor: hold.totalMinor, currency: hold.currency });
  const held = await record(b, 'HELD', 'system', `${hold.seats.length} seat(s) held until ${hold.expiresAt}`, {
    seats: hold.seats,
    amountMinor: hold.totalMinor,
    currency: hold.currency,
    expiresAt: hold.expiresAt,
  });
  if (!held) {
    const code = SAGA_FAILURES.holdNotRecorded;
    await failBooking(b, code, 'the hold could not be recorded; seats released', { release: true, pace: 'answering' });
    answerHold(b, code, 'unavailable', 'The booking could not be recorded; its seats were released. Try again.');
    return undefined;
  }
  b.holdAnswer = { ok: true, booking: viewOf(b) };
  return hold;
}

/** The hold was refused (seats taken, a limit, an event not on sale): nothing was claimed, the booking ends FAILED. */
async function refuseHold(b: BookingState, refusal: DomainFailure): Promise<void> {
  const code = refusal.code ?? SAGA_FAILURES.holdFailed;
  b.failureCode = code;
  await close(b, 'FAILED', 'system', `seats not held: ${code}`, { failureCode: code }, 'answering');
  answerHold(b, code, refusal.kind ?? 'conflict', refusal.message, refusal.details.seatIds ?? []);
}

type Next = { step: 'cancel'; request: CancelRequest } | { step: 'expire' } | { step: 'pay'; request: PaymentRequest };

/** Step 2, wait: for a payment or a cancellation, until the hold expires. A cancellation wins unless a payment is on. */
async function awaitPaymentOrCancel(b: BookingState, hold: HoldResult): Promise<Next> {
  const remaining = Date.parse(hold.expiresAt) - Date.now();
  const woken = remaining > 0 && (await condition(() => b.pending !== undefined || b.cancelRequest !== undefined, remaining));
  if (b.cancelRequest && !b.pending) return { step: 'cancel', request: b.cancelRequest };
  if (!woken) return { step: 'expire' };
  return { step: 'pay', request: b.pending! };
}

/** However the saga ended, no request is left waiting: a hold or payment still unanswered hears how it ended. */
function answerWhatIsLeft(b: BookingState): void {
  const code = b.failureCode ?? SAGA_FAILURES.outcomeNotRecorded;
  const message = `The booking ended ${b.status}.`;
  if (!b.holdAnswer) answerHold(b, code, 'conflict', message);
  if (b.pending && !b.payAnswers.has(b.pending.n)) refusePayment(b, b.pending, code, 'conflict', message);
}
