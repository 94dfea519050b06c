// Facts the bookings service publishes when a booking reaches a completed state.
import { z } from 'zod';
import { defineEvent } from './envelope.ts';

const BookingFacts = z.object({
  bookingId: z.uuid(),
  customerId: z.uuid(),
  eventId: z.uuid(),
  seats: z.array(z.object({ seatId: z.uuid(), label: z.string() })),
  amountMinor: z.number().int().nullable(),
  currency: z.string().length(3).nullable(),
  reason: z.string(),
});

// paymentId is null for a booking that cost nothing (confirmed with the free gateway: no payment was made).
export const bookingConfirmedV1 = defineEvent('booking.confirmed', 1, BookingFacts.extend({ paymentId: z.uuid().nullable() }));
export const bookingCancelledV1 = defineEvent('booking.cancelled', 1, BookingFacts.extend({ refundedMinor: z.number().int() }));
export const bookingExpiredV1 = defineEvent('booking.expired', 1, BookingFacts);
