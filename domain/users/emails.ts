// The notifications a customer receives, as inbox entries and as readable emails (text and HTML).
import { localEventTime } from '../../common/time-zones.ts';
import type { bookingCancelledV1, bookingConfirmedV1, bookingExpiredV1 } from '../../contracts/bookings.ts';
import type { FactOf } from '../../contracts/envelope.ts';
import type { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';
import type { ticketsIssuedV1, ticketTransferredV1 } from '../../contracts/tickets.ts';
import type { waitingListOfferedV1 } from '../../contracts/waiting-list.ts';
import type { NotificationKind } from '../../entities/users/preference.entity.ts';
import { formatMoney } from '../../common/money.ts';

export interface Message {
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

const money = (minor: number | null | undefined, currency: string | null | undefined) =>
  minor === null || minor === undefined || !currency ? '' : formatMoney(minor, currency);
const seatList = (seats: { label: string }[]) => seats.map((s) => s.label).join(', ');
const reference = (bookingId: string) => bookingId.slice(0, 8).toUpperCase();

/** What the customer paid; a booking that cost nothing says so, with no payment to speak of. */
const paidLine = (b: FactOf<typeof bookingConfirmedV1>) =>
  b.amountMinor === 0 ? 'They are free of charge.' : `You paid ${money(b.amountMinor, b.currency)}.`;

export function bookingConfirmed(b: FactOf<typeof bookingConfirmedV1>): Message {
  return {
    kind: 'booking_confirmed',
    title: `Booking ${reference(b.bookingId)} confirmed`,
    body: `Your seats ${seatList(b.seats)} are booked. ${paidLine(b)} Booking reference: ${reference(b.bookingId)}.`,
    data: { bookingId: b.bookingId, eventId: b.eventId },
  };
}

/** What a fact about tickets says of their event (null fields when the bookings service had not heard). */
type EventSummary = FactOf<typeof ticketsIssuedV1>['event'];

/** The path (under the gateway) of a booking's tickets as a PDF, for the signed-in customer. */
export function ticketsPdfPath(bookingId: string): string {
  return `/api/v1/bookings/${encodeURIComponent(bookingId)}/tickets.pdf`;
}

/** When the event starts, in its venue's time zone and naming that zone (see localEventTime). */
export function eventTime(startsAt: string | null, timeZone: string | null | undefined): string | null {
  return startsAt ? localEventTime(new Date(startsAt), timeZone) : null;
}

/** The event in one or two sentences: its title, when, where. */
function eventLines(event: EventSummary): string {
  const when = eventTime(event.startsAt, event.timeZone);
  const where = [event.venueName, event.venueAddress].filter(Boolean).join(', ');
  return [`Event: ${event.title ?? 'your event'}.`, when ? `When: ${when}.` : '', where ? `Where: ${where}.` : '']
    .filter(Boolean)
    .join(' ');
}

/** A seat as the holder reads it: its section unless its label already names it. */
const seatName = (t: { section: string; seatLabel: string }) =>
  t.seatLabel.toLowerCase().startsWith(t.section.toLowerCase()) ? t.seatLabel : `${t.section} ${t.seatLabel}`;

/** The booking confirmation, with the tickets: sent when they are issued (the PDF goes with the email). */
export function ticketsIssued(t: FactOf<typeof ticketsIssuedV1>): Message {
  const seats = t.tickets.map(seatName).join(', ');
  return {
    kind: 'booking_confirmed',
    title: `Booking ${reference(t.bookingId)} confirmed: your tickets${t.event.title ? ` for ${t.event.title}` : ''}`,
    body:
      `${eventLines(t.event)} Seats: ${seats}. Your ${t.tickets.length === 1 ? 'ticket is' : `${t.tickets.length} tickets are`} ` +
      `attached as a PDF, one page per seat; the app shows them too. Booking reference: ${reference(t.bookingId)}.`,
    data: { bookingId: t.bookingId, eventId: t.eventId, ticketIds: t.tickets.map((x) => x.ticketId), link: ticketsPdfPath(t.bookingId) },
  };
}

/** A ticket moved to another account: the sender and the receiver are each told, in their own words. */
export function ticketTransferred(
  t: FactOf<typeof ticketTransferredV1>,
  side: 'from' | 'to',
  names: { from: string; to: string },
): Message {
  const seat = t.seatLabel;
  const event = t.event.title ?? 'your event';
  const data = { ticketId: t.ticketId, bookingId: t.bookingId, eventId: t.eventId };
  if (side === 'from') {
    return {
      kind: 'ticket_transferred',
      title: `Your ticket ${seat} was sent to ${names.to}`,
      body: `${names.to} accepted your ticket ${seat} for ${event}. It is theirs now: your copy of it (printed or in the app) no longer admits anyone.`,
      data,
    };
  }
  return {
    kind: 'ticket_transferred',
    title: `${names.from} sent you a ticket for ${event}`,
    body: `The ticket ${seat} is yours now. ${eventLines(t.event)} Find it under your tickets in the app; only your copy admits at the door.`,
    data: { ...data, link: `/api/v1/tickets/${encodeURIComponent(t.ticketId)}` },
  };
}

/**
 * A hold that ran out unpaid. Its seats are released: on sale again, or offered to the event's waiting list. A booking
 * that was a waiting-list offer (`waitingListOffer`, when the caller knows it) says the offer lapsed.
 */
export function holdExpired(b: FactOf<typeof bookingExpiredV1>, options: { waitingListOffer?: boolean } = {}): Message {
  const data = { bookingId: b.bookingId, eventId: b.eventId };
  if (options.waitingListOffer) {
    return {
      kind: 'hold_expired',
      title: 'Your waiting-list offer lapsed',
      body: `We held ${seatList(b.seats)} for you from the waiting list, but no payment arrived in time, so the offer has lapsed and the seats went to the next customer on the list. Booking reference: ${reference(b.bookingId)}.`,
      data,
    };
  }
  return {
    kind: 'hold_expired',
    title: `Your hold on ${b.seats.length} seat(s) expired`,
    body: `We held ${seatList(b.seats)} for you, but no payment arrived in time, so the hold has ended and the seats were released. Booking reference: ${reference(b.bookingId)}.`,
    data,
  };
}

export function bookingCancelled(b: FactOf<typeof bookingCancelledV1>): Message {
  const eventCancelled = b.reason.startsWith('event cancelled');
  const refund = b.refundedMinor ? ` ${money(b.refundedMinor, b.currency)} is on its way back to you.` : '';
  return {
    kind: eventCancelled ? 'event_cancelled' : 'booking_cancelled',
    title: eventCancelled ? 'Your event was cancelled' : `Booking ${reference(b.bookingId)} cancelled`,
    body: `${eventCancelled ? 'The event of your booking was cancelled' : 'Your booking was cancelled'} (${b.reason}). Seats: ${seatList(b.seats)}.${refund} Booking reference: ${reference(b.bookingId)}.`,
    data: { bookingId: b.bookingId, eventId: b.eventId, refundedMinor: b.refundedMinor ?? 0 },
  };
}

/**
 * Seats came back and are held for a customer on the waiting list: paying the booking before it expires takes them.
 * The deadline is in the venue's time zone, as every time in these emails (a fact from before it named the zone: UTC).
 */
export function waitingListOffered(o: FactOf<typeof waitingListOfferedV1>): Message {
  const price = o.amountMinor ? ` for ${money(o.amountMinor, o.currency)}` : '';
  const until = localEventTime(new Date(o.expiresAt), o.timeZone);
  return {
    kind: 'waiting_list_offer',
    title: `Seats for you${o.eventTitle ? ` at ${o.eventTitle}` : ''}: pay by ${until}`,
    body: `Seats came back and you are next on the waiting list: ${seatList(o.seats)} are held for you${price} until ${until}. Pay booking ${reference(o.bookingId)} to take them; unpaid, they go to the next customer on the list.`,
    data: {
      bookingId: o.bookingId,
      eventId: o.eventId,
      entryId: o.entryId,
      expiresAt: o.expiresAt,
      link: `/api/v1/bookings/${encodeURIComponent(o.bookingId)}`,
    },
  };
}

export function paymentReceipt(p: FactOf<typeof paymentCapturedV1>): Message {
  return {
    kind: 'payment_receipt',
    title: `Receipt: ${money(p.amountMinor, p.currency)}`,
    body: `We received ${money(p.amountMinor, p.currency)} for booking ${reference(p.bookingId)}. Payment ${p.paymentId}.`,
    data: { paymentId: p.paymentId, bookingId: p.bookingId },
  };
}

export function refundIssued(p: FactOf<typeof paymentRefundedV1>): Message {
  return {
    kind: 'refund',
    title: `Refund: ${money(p.amountMinor, p.currency)}`,
    body: `We refunded ${money(p.amountMinor, p.currency)} for booking ${reference(p.bookingId)} (${money(p.refundedTotalMinor, p.currency)} refunded in all).`,
    data: { paymentId: p.paymentId, bookingId: p.bookingId },
  };
}

const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

/** The email of a notification: a plain-text part and a simple HTML part. */
export function emailOf(message: Message, name: string): { subject: string; text: string; html: string } {
  const greeting = `Hello ${name},`;
  return {
    subject: `Eventix: ${message.title}`,
    text: `${greeting}\n\n${message.body}\n\nEventix`,
    html: `<!doctype html><html><body style="font-family: sans-serif"><p>${escape(greeting)}</p><h2>${escape(message.title)}</h2><p>${escape(message.body)}</p><p>Eventix</p></body></html>`,
  };
}
