// The booking record: written by the saga's activities (each transition once, with its fact in the outbox), read by the API.
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../common/auth/verify.ts';
import type { Orm } from '../../common/db/orm.ts';
import { afterCursor, cursorKeys, toPage } from '../../common/http/pagination.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { bookingCancelledV1, bookingConfirmedV1, bookingExpiredV1 } from '../../contracts/bookings.ts';
import { Booking, BookingHistory, type BookedSeat, type BookingRow, type BookingStatus } from '../../entities/bookings/booking.entity.ts';
import { issueTickets, voidTickets } from './tickets.ts';

export const PRODUCER = 'bookings';

export interface Transition {
  bookingId: string;
  /**
   * The workflow that made it and its own counter: together they make a retried write harmless. A refund of part of
   * the payment writes under `refund-<tag>`, its tag named by the refund's idempotency key.
   */
  source: 'booking' | 'cancellation' | `refund-${string}`;
  seq: number;
  customerId: string;
  eventId: string;
  workflowId: string;
  selection: Record<string, unknown>;
  createdAt: string;
  from: BookingStatus | null;
  to: BookingStatus;
  /** Workflow time of the transition. */
  at: string;
  actor: string;
  reason: string;
  seats?: BookedSeat[];
  amountMinor?: number | null;
  currency?: string | null;
  expiresAt?: string | null;
  paymentId?: string | null;
  refundedMinor?: number;
  failureCode?: string | null;
}

/**
 * The fact a transition publishes, if any: only a change of status is news. A confirmed booking's later lines (a
 * cancellation asked for, a partial refund) leave it CONFIRMED and publish nothing.
 */
function factOf(t: Transition) {
  if (t.from === t.to) return undefined;
  if (t.to === 'CONFIRMED') return 'confirmed';
  if (t.to === 'EXPIRED') return 'expired';
  if (t.to === 'CANCELLED' || (t.to === 'REFUNDED' && t.from !== null)) return 'cancelled';
  return undefined;
}

/**
 * Writes one transition: the booking row, its history line and its fact, in one transaction; once per (source, seq).
 * A booking that becomes CONFIRMED gets its tickets in the same transaction, and one that stops being CONFIRMED
 * (cancelled, refunded) has them voided: whatever path the saga took, tickets and booking never disagree.
 */
export async function recordTransition(orm: Orm, t: Transition): Promise<boolean> {
  return orm.em.fork().transactional(async (em) => {
    const created = await em.execute<{ id: string }[]>(
      `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (id) do nothing returning id`,
      [t.bookingId, t.customerId, t.eventId, t.to, JSON.stringify(t.selection), t.workflowId, new Date(t.createdAt)],
    );
    const inserted = await em.execute<{ seq: number }[]>(
      `insert into booking_history (booking_id, source, seq, from_status, to_status, at, actor, reason) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict do nothing returning seq`,
      [t.bookingId, t.source, t.seq, t.from, t.to, new Date(t.at), t.actor, t.reason],
    );
    if (inserted.length === 0) return false;
    const booking = await em.findOneOrFail(Booking, { id: t.bookingId });
    // A booking first written by this very line had no status before it.
    const before = created.length > 0 ? null : booking.status;
    // A line that keeps its status (a cancellation asked for, a partial refund) never moves the booking: written
    // late, beside a cancellation that has ended it, it must not bring it back.
    if (t.from !== t.to) booking.status = t.to;
    if (t.seats !== undefined) booking.seats = t.seats;
    if (t.amountMinor !== undefined) booking.amountMinor = t.amountMinor;
    if (t.currency !== undefined) booking.currency = t.currency;
    if (t.expiresAt !== undefined) booking.expiresAt = t.expiresAt ? new Date(t.expiresAt) : null;
    if (t.paymentId !== undefined) booking.paymentId = t.paymentId;
    if (t.refundedMinor !== undefined) booking.refundedMinor = await refundedAtLeast(em, t.bookingId, t.refundedMinor);
    if (t.failureCode !== undefined) booking.failureCode = t.failureCode;
    await ticketsFollow(em, booking, before, t);
    const fact = factOf(t);
    if (fact) {
      const base = {
        bookingId: booking.id,
        customerId: booking.customerId,
        eventId: booking.eventId,
        seats: booking.seats.map((s) => ({ seatId: s.seatId, label: s.label })),
        amountMinor: booking.amountMinor ?? null,
        currency: booking.currency?.trim() ?? null,
        reason: t.reason,
      };
      if (fact === 'confirmed') enqueueEvent(em, bookingConfirmedV1, { ...base, paymentId: booking.paymentId ?? null }, PRODUCER);
      if (fact === 'expired') enqueueEvent(em, bookingExpiredV1, base, PRODUCER);
      if (fact === 'cancelled') enqueueEvent(em, bookingCancelledV1, { ...base, refundedMinor: booking.refundedMinor }, PRODUCER);
    }
    await em.flush();
    return true;
  });
}

/** Tickets follow the booking's status: issued as it becomes CONFIRMED, voided (with its reason) as it stops being. */
async function ticketsFollow(em: EntityManager, booking: BookingRow, before: BookingStatus | null, t: Transition): Promise<void> {
  if (booking.status === before) return;
  if (booking.status === 'CONFIRMED') await issueTickets(em, booking, new Date(t.at));
  else if (before === 'CONFIRMED') await voidTickets(em, booking, t.reason, new Date(t.at));
}

/**
 * Raises the booking's refunded total to the payment's total a refund reported: refunds settle in any order, and a
 * total reported earlier never lowers one reported later.
 */
async function refundedAtLeast(em: EntityManager, bookingId: string, refundedMinor: number): Promise<number> {
  const [row] = await em.execute<{ refunded_minor: number }[]>(
    'update booking set refunded_minor = greatest(refunded_minor, ?) where id = ? returning refunded_minor',
    [refundedMinor, bookingId],
  );
  return row!.refunded_minor;
}

/** The booking, for its owner or an admin; anyone else gets 404. */
export async function findBooking(em: EntityManager, bookingId: string, viewer: Principal): Promise<BookingRow> {
  const booking = await em.findOne(Booking, { id: bookingId, ...(viewer.role === 'admin' ? {} : { customerId: viewer.userId }) });
  if (!booking) throw new DomainError('not_found', 'BOOKING_NOT_FOUND', 'No booking of yours with this id.');
  return booking;
}

export async function bookingHistory(em: EntityManager, bookingId: string) {
  return em.find(BookingHistory, { bookingId }, { orderBy: { at: 'asc', source: 'asc', seq: 'asc' } });
}

export interface BookingQuery {
  limit: number;
  cursor?: string;
  status?: BookingStatus;
  eventId?: string;
}

export async function listBookings(em: EntityManager, query: BookingQuery, viewer: Principal) {
  const rows = await em.find(
    Booking,
    {
      $and: [
        viewer.role === 'admin' ? {} : { customerId: viewer.userId },
        query.status ? { status: query.status } : {},
        query.eventId ? { eventId: query.eventId } : {},
        afterCursor(query.cursor, 'createdAt', 'desc'),
      ],
    },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 },
  );
  return toPage(rows, query.limit, cursorKeys('createdAt'), (b) => b);
}

export interface CatalogEntry {
  title: string;
  venueName: string;
  startsAt: string;
  status: string;
}

/** What the event catalog projection knows of these events (filled from event.* facts, no call to the events service). */
export async function catalogOf(em: EntityManager, eventIds: string[]): Promise<Map<string, CatalogEntry>> {
  if (eventIds.length === 0) return new Map();
  const rows = await em.execute<{ event_id: string; title: string; venue_name: string; starts_at: string; status: string }[]>(
    'select event_id, title, venue_name, starts_at, status from event_catalog where event_id in (?)',
    [[...new Set(eventIds)]],
  );
  return new Map(
    rows.map((r) => [
      r.event_id,
      { title: r.title, venueName: r.venue_name, startsAt: new Date(r.starts_at).toISOString(), status: r.status },
    ]),
  );
}

export interface RefundableBooking {
  bookingId: string;
  customerId: string;
  eventId: string;
  status: BookingStatus;
  paymentId: string | null;
  amountMinor: number | null;
  refundedMinor: number;
}

/** What a refund of a booking's payment needs to know of the booking; null when there is no such booking. */
export async function refundableBooking(orm: Orm, bookingId: string): Promise<RefundableBooking | null> {
  const b = await orm.em.fork().findOne(Booking, { id: bookingId });
  if (!b) return null;
  return {
    bookingId: b.id,
    customerId: b.customerId,
    eventId: b.eventId,
    status: b.status,
    paymentId: b.paymentId ?? null,
    amountMinor: b.amountMinor ?? null,
    refundedMinor: b.refundedMinor,
  };
}

/** The bookings of an event still worth acting on when it is cancelled. */
export async function bookingsOfEvent(orm: Orm, eventId: string) {
  return orm.em
    .fork()
    .find(Booking, { eventId }, { fields: ['id', 'status', 'customerId', 'paymentId', 'amountMinor'], orderBy: { createdAt: 'asc' } });
}

/** A booking id that is the same for one customer's repeated request with one Idempotency-Key, and never another's. */
export function bookingIdFor(customerId: string, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return randomUUID();
  const hex = createHash('sha256').update(`${customerId}:${idempotencyKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
