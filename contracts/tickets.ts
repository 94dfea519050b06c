// Facts the bookings service publishes about tickets: issued with a confirmed booking, voided with its cancellation or
// refund, sent to another account, and scanned in at the door.
import { z } from 'zod';
import { defineEvent } from './envelope.ts';

const TicketSeat = z.object({
  ticketId: z.uuid(),
  seatId: z.uuid(),
  seatLabel: z.string(),
  section: z.string(),
  holderName: z.string(),
});

/** What the holder needs to know of the event, from the bookings service's catalog (null fields when it has not heard). */
const EventSummary = z.object({
  title: z.string().nullable(),
  startsAt: z.iso.datetime({ offset: true }).nullable(),
  venueName: z.string().nullable(),
  venueAddress: z.string().nullable(),
  timeZone: z.string().nullable(),
});

/** One fact per booking: every ticket its confirmation issued. */
export const ticketsIssuedV1 = defineEvent(
  'ticket.issued',
  1,
  z.object({
    bookingId: z.uuid(),
    customerId: z.uuid(),
    eventId: z.uuid(),
    event: EventSummary,
    tickets: z.array(TicketSeat).min(1),
  }),
);

export const ticketsVoidedV1 = defineEvent(
  'ticket.voided',
  1,
  z.object({
    bookingId: z.uuid(),
    customerId: z.uuid(),
    eventId: z.uuid(),
    ticketIds: z.array(z.uuid()).min(1),
    reason: z.string(),
  }),
);

export const ticketTransferredV1 = defineEvent(
  'ticket.transferred',
  1,
  z.object({
    ticketId: z.uuid(),
    bookingId: z.uuid(),
    eventId: z.uuid(),
    fromUserId: z.uuid(),
    toUserId: z.uuid(),
    seatLabel: z.string(),
    event: EventSummary,
  }),
);

export const ticketCheckedInV1 = defineEvent(
  'ticket.checked_in',
  1,
  z.object({
    ticketId: z.uuid(),
    eventId: z.uuid(),
    gate: z.string(),
    direction: z.enum(['in', 'out']),
    scannedAt: z.iso.datetime({ offset: true }),
  }),
);
