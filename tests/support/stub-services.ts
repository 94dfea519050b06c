// The events, payments and bookings stub activities over one call log, for a workflow test to run and inspect.
import { randomUUID } from 'node:crypto';
import type { BookingInput, CancellationInput } from '../../workflows/booking-types.ts';
import { createStubBookings } from './stub-bookings.ts';
import { CallLog } from './stub-calls.ts';
import { createStubEvents } from './stub-events.ts';
import { createStubPayments } from './stub-payments.ts';

import { SEAT_PRICE_MINOR } from './stub-events.ts';

export { SEAT_PRICE_MINOR };

/** The three stub services over one call log. */
export function createStubServices() {
  const calls = new CallLog();
  return { calls, events: createStubEvents(calls), payments: createStubPayments(calls), bookings: createStubBookings(calls) };
}

/** A booking's saga input with fresh ids: two seats, a hold long enough never to lapse in a test that does not wait. */
export function stubBookingInput(overrides: Partial<BookingInput> = {}): BookingInput {
  return {
    bookingId: randomUUID(),
    customerId: randomUUID(),
    eventId: randomUUID(),
    selection: { seatIds: [randomUUID(), randomUUID()] },
    holdTtlMs: 10_000,
    requestedAt: new Date().toISOString(),
    ...overrides,
  };
}

type StubServices = ReturnType<typeof createStubServices>;

/**
 * Claims the booking's seats in the stub events service as the hold route does before it starts the saga (the hold
 * id is the booking id), and answers the saga input that carries the claim.
 */
export async function claimedBeforeStart(stubs: StubServices, input: BookingInput): Promise<BookingInput> {
  const claimedHold = await stubs.events.activities.holdSeats({
    holdId: input.bookingId,
    eventId: input.eventId,
    customerId: input.customerId,
    selection: input.selection,
    until: new Date(Date.now() + input.holdTtlMs).toISOString(),
  });
  return { ...input, claimedHold };
}

/** A booking confirmed earlier, seeded into the stubs: two seats of row `row` sold and the payment captured. */
export function seedConfirmedBooking(stubs: StubServices, row: string, eventId: string = randomUUID()) {
  const bookingId = randomUUID();
  const seats = [randomUUID(), randomUUID()].map((seatId, i) => ({
    seatId,
    label: `Hall ${row}-${i + 1}`,
    section: 'Hall',
    priceMinor: SEAT_PRICE_MINOR,
    currency: 'EUR',
  }));
  const totalMinor = seats.length * SEAT_PRICE_MINOR;
  stubs.events.sold({ holdId: bookingId, eventId, expiresAt: new Date().toISOString(), seats, totalMinor, currency: 'EUR' });
  const paymentId = stubs.payments.captured(bookingId, totalMinor);
  const customerId = randomUUID();
  stubs.bookings.seed(eventId, { bookingId, customerId, status: 'CONFIRMED', paymentId });
  return { bookingId, customerId, eventId, paymentId, seatIds: seats.map((s) => s.seatId), totalMinor };
}

/** The customer's cancellation of a seeded confirmed booking, as the cancel route would start it. */
export function customerCancellationOf(
  booking: ReturnType<typeof seedConfirmedBooking>,
  extra: Partial<CancellationInput> = {},
): CancellationInput {
  return {
    bookingId: booking.bookingId,
    customerId: booking.customerId,
    eventId: booking.eventId,
    paymentId: booking.paymentId,
    actor: `customer:${booking.customerId}`,
    reason: 'cancelled by the customer',
    ...extra,
  };
}
