// The notifications a customer receives, as inbox entries and as readable emails (text and HTML).
import type { bookingCancelledV1, bookingConfirmedV1, bookingExpiredV1 } from '../../contracts/bookings.ts';
import type { FactOf } from '../../contracts/envelope.ts';
import type { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';
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

export function holdExpired(b: FactOf<typeof bookingExpiredV1>): Message {
  return {
    kind: 'hold_expired',
    title: `Your hold on ${b.seats.length} seat(s) expired`,
    body: `We held ${seatList(b.seats)} for you, but no payment arrived in time, so they are on sale again. Booking reference: ${reference(b.bookingId)}.`,
    data: { bookingId: b.bookingId, eventId: b.eventId },
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
