// Facts the bookings service publishes about an event's waiting list: an offer made to a customer on it.
import { z } from 'zod';
import { defineEvent } from './envelope.ts';

/** Seats are held for the customer until `expiresAt`: paying the booking (POST /bookings/{id}/pay) accepts the offer. */
export const waitingListOfferedV1 = defineEvent(
  'waiting-list.offered',
  1,
  z.object({
    entryId: z.uuid(),
    bookingId: z.uuid(),
    customerId: z.uuid(),
    eventId: z.uuid(),
    eventTitle: z.string().nullable(),
    seats: z.array(z.object({ seatId: z.uuid(), label: z.string() })),
    amountMinor: z.number().int().nullable(),
    currency: z.string().length(3).nullable(),
    expiresAt: z.iso.datetime({ offset: true }),
    /** The venue's time zone (IANA), for telling the customer `expiresAt` in local time; absent in older facts. */
    timeZone: z.string().max(64).nullable().optional(),
  }),
);
