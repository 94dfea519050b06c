// Tickets: one per seat of a confirmed booking, issued and voided with the booking's transitions; what their holders
// see of them (the barcodes only to the holder), their names, and their PDF.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../common/auth/verify.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { afterCursor, cursorKeys, toPage } from '../../common/http/pagination.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { ticketsIssuedV1, ticketsVoidedV1 } from '../../contracts/tickets.ts';
import { Booking, type BookingRow } from '../../entities/bookings/booking.entity.ts';
import { Ticket, type TicketRow, type TicketStatus } from '../../entities/bookings/ticket.entity.ts';
import { eventSummariesOf, eventSummaryOf, factSummary, type EventSummary } from './subscriptions.ts';
import { ROTATION_PERIOD_S, rotatingCode, signTicket, ticketSecret, type TicketClaims } from './ticket-codes.ts';
import { signingKey } from './ticket-keys.ts';
import { renderTicketsPdf } from './ticket-pdf.ts';

const PRODUCER = 'bookings';
/** The name on a ticket whose holder the service has not heard of yet (their user.registered fact is still on its way). */
export const UNKNOWN_HOLDER_NAME = 'Ticket holder';
/** A ticket's code outlives the start of an event whose end is not known by this long. */
const VALID_AFTER_START_MS = 24 * 3_600_000;
/** And a ticket of an event the catalog does not know stays valid this long after it was issued. */
const VALID_UNKNOWN_EVENT_MS = 400 * 86_400_000;
/** Column widths of the ticket table: a longer seat label, section or reason is clipped, never refused. */
const WIDTHS = { seatLabel: 160, section: 120, holderName: 200, voidReason: 200 };

/** At most `max` characters (code points, as PostgreSQL counts them). */
function clip(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

/** What a booking's fact and its tickets share: the booking's reference as the customer sees it. */
export function bookingReference(bookingId: string): string {
  return bookingId.slice(0, 8).toUpperCase();
}

const ISSUE = `insert into ticket (id, booking_id, event_id, seat_id, seat_label, section, holder_user_id, holder_name, status, generation, issued_at)
  values ? on conflict (booking_id, seat_id) do nothing returning id, seat_id, seat_label, section, holder_name`;

/**
 * Issues one ticket per seat of a booking that has just been confirmed, in the transaction of its transition, and its
 * ticket.issued fact: one statement for all seats. A seat that already has its ticket gets no second one.
 *
 * The seat inventory (the events service, one owner per seat) decides who a seat is sold to, and it has just sold these
 * seats to this booking. A live ticket of another booking for one of them is left over from a booking whose seats went
 * back on sale before its cancellation was recorded (or whose record gave up): it is voided first, so the sale that
 * just happened wins instead of failing on the live-seat index and refunding its buyer.
 */
export async function issueTickets(em: EntityManager, booking: BookingRow, at: Date): Promise<void> {
  if (booking.seats.length === 0) return;
  await voidResoldSeats(em, booking, at);
  const holderName = await customerName(em, booking.customerId);
  const issued = await em.execute<{ id: string; seat_id: string; seat_label: string; section: string; holder_name: string }[]>(
    ISSUE.replace('?', booking.seats.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, 'valid', 1, ?)`).join(', ')),
    booking.seats.flatMap((seat) => [
      randomUUID(),
      booking.id,
      booking.eventId,
      seat.seatId,
      clip(seat.label, WIDTHS.seatLabel),
      clip(seat.section, WIDTHS.section),
      booking.customerId,
      holderName,
      at,
    ]),
  );
  if (issued.length === 0) return;
  enqueueEvent(
    em,
    ticketsIssuedV1,
    {
      bookingId: booking.id,
      customerId: booking.customerId,
      eventId: booking.eventId,
      event: factSummary(await eventSummaryOf(em, booking.eventId)),
      tickets: issued.map((t) => ({
        ticketId: t.id,
        seatId: t.seat_id,
        seatLabel: t.seat_label,
        section: t.section,
        holderName: t.holder_name,
      })),
    },
    PRODUCER,
  );
}

/**
 * Voids every live ticket of a booking that is no longer confirmed, and publishes ticket.voided when there were any;
 * their open transfer offers close with them.
 */
export async function voidTickets(em: EntityManager, booking: BookingRow, reason: string, at: Date): Promise<void> {
  const voided = await em.execute<{ id: string }[]>(
    `update ticket set status = 'void', voided_at = ?, void_reason = ? where booking_id = ? and status <> 'void' returning id`,
    [at, clip(reason, WIDTHS.voidReason), booking.id],
  );
  if (voided.length === 0) return;
  await closeOffersOf(
    em,
    voided.map((t) => t.id),
    at,
  );
  enqueueEvent(
    em,
    ticketsVoidedV1,
    {
      bookingId: booking.id,
      customerId: booking.customerId,
      eventId: booking.eventId,
      ticketIds: voided.map((t) => t.id),
      reason,
    },
    PRODUCER,
  );
}

/** Why a ticket lost its seat to another booking's confirmation. */
export const RESOLD_REASON = 'the seat was returned and sold again';

/**
 * Voids the live tickets of other bookings for the seats this booking has just bought (see issueTickets), with one
 * ticket.voided fact per booking they belonged to, and closes their open transfer offers.
 */
async function voidResoldSeats(em: EntityManager, booking: BookingRow, at: Date): Promise<void> {
  const voided = await em.execute<{ id: string; booking_id: string; customer_id: string }[]>(
    `update ticket t set status = 'void', voided_at = ?, void_reason = ?
       from booking b
      where b.id = t.booking_id and t.event_id = ? and t.seat_id in (?) and t.booking_id <> ? and t.status <> 'void'
      returning t.id, t.booking_id, b.customer_id`,
    [at, RESOLD_REASON, booking.eventId, booking.seats.map((s) => s.seatId), booking.id],
  );
  if (voided.length === 0) return;
  await closeOffersOf(
    em,
    voided.map((t) => t.id),
    at,
  );
  const byBooking = Map.groupBy(voided, (t) => t.booking_id);
  for (const [bookingId, tickets] of byBooking) {
    enqueueEvent(
      em,
      ticketsVoidedV1,
      {
        bookingId,
        customerId: tickets[0]!.customer_id,
        eventId: booking.eventId,
        ticketIds: tickets.map((t) => t.id),
        reason: RESOLD_REASON,
      },
      PRODUCER,
    );
  }
}

/** A void ticket goes nowhere: the offers still open for these tickets are cancelled, decided now. */
async function closeOffersOf(em: EntityManager, ticketIds: string[], at: Date): Promise<void> {
  await em.execute(`update ticket_transfer set status = 'cancelled', decided_at = ? where ticket_id in (?) and status = 'pending'`, [
    at,
    ticketIds,
  ]);
}

/**
 * Refuses a customer's cancellation of a booking whose tickets they no longer all hold: cancelling would refund them
 * and void the ticket someone else accepted from them. An admin's cancellation is not asked.
 */
export async function checkTicketsNotTransferred(em: EntityManager, booking: BookingRow): Promise<void> {
  const [row] = await em.execute<{ count: string }[]>(
    `select count(*) as count from ticket where booking_id = ? and status <> 'void' and holder_user_id <> ?`,
    [booking.id, booking.customerId],
  );
  const moved = Number(row?.count ?? 0);
  if (moved > 0) {
    throw new DomainError(
      'conflict',
      'TICKETS_TRANSFERRED',
      `${moved === 1 ? 'A ticket' : `${moved} tickets`} of this booking now belong${moved === 1 ? 's' : ''} to another account: the booking can no longer be cancelled.`,
    );
  }
}

/** The customer's name from the projection of the users service's facts; a placeholder until it has arrived. */
async function customerName(em: EntityManager, userId: string): Promise<string> {
  const [row] = await em.execute<{ name: string }[]>('select name from customer where user_id = ?', [userId]);
  const name = row?.name.trim();
  return name ? clip(name, WIDTHS.holderName) : UNKNOWN_HOLDER_NAME;
}

export interface TicketView {
  id: string;
  bookingId: string;
  eventId: string;
  seatLabel: string;
  section: string;
  holderName: string;
  status: TicketStatus;
  generation: number;
  issuedAt: string;
  voidedAt: string | null;
  voidReason: string | null;
  usedAt: string | null;
  usedGate: string | null;
  event: EventSummary;
  /** The static code a printed ticket carries: only for its holder (or an admin), and never for a void ticket. */
  printCode: string | null;
  /** What the app needs to show the live code itself; with printCode. */
  rotating: { secret: string; periodSeconds: number; currentCode: string } | null;
}

/** Whose codes a view shows: the holder's own, and an admin's too unless `holdersOnly`. */
interface ViewOptions {
  holdersOnly?: boolean;
  now?: Date;
}

/** When a ticket's code stops being accepted: the event's end, a day after its start, or long after it was issued. */
function expiryOf(ticket: TicketRow, event: EventSummary): Date {
  if (event.endsAt) return new Date(event.endsAt);
  if (event.startsAt) return new Date(Date.parse(event.startsAt) + VALID_AFTER_START_MS);
  return new Date(ticket.issuedAt.getTime() + VALID_UNKNOWN_EVENT_MS);
}

function claimsOf(ticket: TicketRow, event: EventSummary): TicketClaims {
  return {
    eventId: ticket.eventId,
    ticketId: ticket.id,
    seatLabel: ticket.seatLabel,
    generation: ticket.generation,
    notBefore: ticket.issuedAt,
    expiresAt: expiryOf(ticket, event),
  };
}

/**
 * A ticket's print code, signed now with its event's current key: the same key and ticket give the same code, so it
 * is computed whenever asked for rather than stored.
 */
export async function printCodeOf(em: EntityManager, ticket: TicketRow, event?: EventSummary, key?: SigningKey): Promise<string> {
  return signTicket(key ?? (await signingKey(em, ticket.eventId)), claimsOf(ticket, event ?? (await eventSummaryOf(em, ticket.eventId))));
}

type SigningKey = Awaited<ReturnType<typeof signingKey>>;

/** Each event's signing key read once for a list of tickets. */
function signingKeys(em: EntityManager): (eventId: string) => Promise<SigningKey> {
  const keys = new Map<string, Promise<SigningKey>>();
  return (eventId) => {
    let key = keys.get(eventId);
    if (!key) keys.set(eventId, (key = signingKey(em, eventId)));
    return key;
  };
}

/** The codes of a live ticket: its print code and the secret of its rotating code. */
async function codesOf(key: SigningKey, ticket: TicketRow, event: EventSummary, now: Date) {
  const printCode = await signTicket(key, claimsOf(ticket, event));
  const secret = ticketSecret(key.rotationSecret, ticket.id, ticket.generation);
  return {
    printCode,
    rotating: {
      secret: secret.toString('base64url'),
      periodSeconds: ROTATION_PERIOD_S,
      currentCode: rotatingCode(printCode, secret, ticket.id, ticket.generation, now),
    },
  };
}

function showsCodes(ticket: TicketRow, viewer: Principal, options: ViewOptions): boolean {
  if (ticket.status === 'void') return false;
  return ticket.holderUserId === viewer.userId || (!options.holdersOnly && viewer.role === 'admin');
}

/** Tickets as their viewer may see them; the event summaries read once for all. */
export async function ticketViews(em: EntityManager, tickets: TicketRow[], viewer: Principal, options: ViewOptions = {}) {
  const summaries = await eventSummariesOf(
    em,
    tickets.map((t) => t.eventId),
  );
  const now = options.now ?? new Date();
  const keyOf = signingKeys(em);
  const views: TicketView[] = [];
  for (const ticket of tickets) {
    const event = summaries.get(ticket.eventId) ?? (await eventSummaryOf(em, ticket.eventId));
    const codes = showsCodes(ticket, viewer, options)
      ? await codesOf(await keyOf(ticket.eventId), ticket, event, now)
      : { printCode: null, rotating: null };
    views.push({
      id: ticket.id,
      bookingId: ticket.bookingId,
      eventId: ticket.eventId,
      seatLabel: ticket.seatLabel,
      section: ticket.section,
      holderName: ticket.holderName,
      status: ticket.status,
      generation: ticket.generation,
      issuedAt: ticket.issuedAt.toISOString(),
      voidedAt: ticket.voidedAt?.toISOString() ?? null,
      voidReason: ticket.voidReason ?? null,
      usedAt: ticket.usedAt?.toISOString() ?? null,
      usedGate: ticket.usedGate ?? null,
      event,
      ...codes,
    });
  }
  return views;
}

export async function ticketView(em: EntityManager, ticket: TicketRow, viewer: Principal): Promise<TicketView> {
  return (await ticketViews(em, [ticket], viewer))[0]!;
}

const byIssue = { orderBy: { issuedAt: 'asc', seatLabel: 'asc', id: 'asc' } } as const;

/**
 * A booking's tickets, for its customer or an admin (anyone else: 404 BOOKING_NOT_FOUND). Codes only for the tickets
 * the viewer holds: one sent to another account shows here without them.
 */
export async function ticketsOfBooking(em: EntityManager, bookingId: string, viewer: Principal): Promise<TicketView[]> {
  await bookingOf(em, bookingId, viewer);
  const tickets = await em.find(Ticket, { bookingId }, byIssue);
  return ticketViews(em, tickets, viewer, { holdersOnly: true });
}

async function bookingOf(em: EntityManager, bookingId: string, viewer: Principal): Promise<BookingRow> {
  const booking = await em.findOne(Booking, { id: bookingId, ...(viewer.role === 'admin' ? {} : { customerId: viewer.userId }) });
  if (!booking) throw new DomainError('not_found', 'BOOKING_NOT_FOUND', 'No booking of yours with this id.');
  return booking;
}

export interface TicketQuery {
  limit: number;
  cursor?: string;
}

/** The tickets the viewer holds, of any booking (their own, or sent to them), newest first. */
export async function myTickets(em: EntityManager, viewer: Principal, page: TicketQuery) {
  const rows = await em.find(
    Ticket,
    { $and: [{ holderUserId: viewer.userId }, afterCursor(page.cursor, 'issuedAt', 'desc')] },
    { orderBy: { issuedAt: 'desc', id: 'desc' }, limit: page.limit + 1 },
  );
  const { items, nextCursor } = toPage(rows, page.limit, cursorKeys('issuedAt'), (t) => t);
  return { items: await ticketViews(em, items, viewer), nextCursor };
}

/** One ticket, for its holder, the customer who booked it, or an admin; anyone else gets 404. */
export async function findTicket(em: EntityManager, ticketId: string, viewer: Principal, lock = false): Promise<TicketRow> {
  const ticket = await em.findOne(Ticket, { id: ticketId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (ticket && (viewer.role === 'admin' || ticket.holderUserId === viewer.userId)) return ticket;
  if (ticket && (await em.count(Booking, { id: ticket.bookingId, customerId: viewer.userId })) > 0) return ticket;
  throw new DomainError('not_found', 'TICKET_NOT_FOUND', 'No ticket of yours with this id.');
}

/**
 * Changes the name printed on a ticket: only its holder, only a live ticket, and only until the event starts (the door
 * may compare the name with an ID from then on).
 */
export async function renameHolder(em: EntityManager, ticketId: string, viewer: Principal, name: string): Promise<TicketView> {
  const ticket = await em.transactional(async (tx) => {
    const found = await findTicket(tx, ticketId, viewer, true);
    if (found.holderUserId !== viewer.userId) {
      throw new DomainError('forbidden', 'NOT_TICKET_HOLDER', 'Only the ticket’s holder may change the name on it.');
    }
    if (found.status !== 'valid') throw new DomainError('conflict', 'TICKET_NOT_VALID', `This ticket is ${found.status}.`);
    const { startsAt } = await eventSummaryOf(tx, found.eventId);
    if (startsAt && Date.now() >= Date.parse(startsAt)) {
      throw new DomainError('conflict', 'TICKET_NAME_LOCKED', 'The event has started: the name on its tickets can no longer change.');
    }
    found.holderName = clip(name, WIDTHS.holderName);
    await tx.flush();
    return found;
  });
  return ticketView(em, ticket, viewer);
}

/**
 * Gives a ticket a new holder (an accepted transfer), in the caller's transaction: a new generation, so the codes the
 * previous holder has are void. Only a live ticket moves.
 */
export async function reissue(em: EntityManager, ticket: TicketRow, newHolder: { userId: string; name: string }): Promise<TicketRow> {
  if (ticket.status !== 'valid') throw new DomainError('conflict', 'TICKET_NOT_VALID', `This ticket is ${ticket.status}.`);
  ticket.generation += 1;
  ticket.holderUserId = newHolder.userId;
  ticket.holderName = clip(newHolder.name.trim() || UNKNOWN_HOLDER_NAME, WIDTHS.holderName);
  await em.flush();
  return ticket;
}

/** The viewer's valid tickets of a booking as a PDF, one ticket a page (an admin: all of them); none → 404 NO_TICKETS. */
export async function bookingTicketsPdf(em: EntityManager, bookingId: string, viewer: Principal): Promise<Buffer> {
  const holder = viewer.role === 'admin' ? {} : { holderUserId: viewer.userId };
  return ticketsPdf(em, bookingId, await em.find(Ticket, { bookingId, status: 'valid', ...holder }, byIssue));
}

/** For the confirmation email: the valid tickets of a booking its customer still holds. */
export async function customerTicketsPdf(em: EntityManager, bookingId: string): Promise<Buffer> {
  const booking = await em.findOne(Booking, { id: bookingId });
  if (!booking) throw new DomainError('not_found', 'BOOKING_NOT_FOUND', 'No booking with this id.');
  return ticketsPdf(em, bookingId, await em.find(Ticket, { bookingId, status: 'valid', holderUserId: booking.customerId }, byIssue));
}

async function ticketsPdf(em: EntityManager, bookingId: string, tickets: TicketRow[]): Promise<Buffer> {
  const first = tickets[0];
  if (!first) throw new DomainError('not_found', 'NO_TICKETS', 'This booking has no valid tickets of yours.');
  const event = await eventSummaryOf(em, first.eventId);
  // The catalog knows an event's title, venue and start together, or none of them (its facts have not arrived).
  if (event.title === null || event.startsAt === null || event.venueName === null) {
    throw new DomainError('unavailable', 'EVENT_DETAILS_PENDING', 'The event’s details have not reached us yet; try again in a moment.', {
      retryAfterSeconds: 5,
    });
  }
  const key = await signingKey(em, first.eventId);
  const pages = [];
  for (const ticket of tickets) {
    pages.push({
      ticketId: ticket.id,
      section: ticket.section,
      seatLabel: ticket.seatLabel,
      holderName: ticket.holderName,
      code: await printCodeOf(em, ticket, event, key),
    });
  }
  return renderTicketsPdf({
    bookingReference: bookingReference(bookingId),
    event: {
      title: event.title,
      startsAt: new Date(event.startsAt),
      // Facts published before venues had time zones name none: the times are printed in UTC, saying so.
      timeZone: event.timeZone ?? 'UTC',
      venueName: event.venueName,
      venueAddress: event.venueAddress,
    },
    tickets: pages,
  });
}
