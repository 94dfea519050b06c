// An event's waiting list after it sold out, as customers and admins see it: joining (one entry per account and
// event, only while nothing the customer asks for is free), a customer's entry and place, leaving, the admins'
// figures and the event's offer window. Offers themselves are made by waiting-list-offers.ts.
//
// Clustered deployment: every statement here names one event, and the rows carry the event id first in every key
// and index, so the table partitions by event (hash partitions on event_id, or one shard per event range) with no
// statement crossing two partitions; the workflow that serves an event's list is one per event already.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors/domain-error.ts';
import {
  WAITING_LIST_STATES,
  WaitingListEntry,
  WaitingListPolicy,
  type WaitingListEntryRow,
  type WaitingListState,
} from '../../entities/bookings/waiting-list.entity.ts';
import type { BookingStatus } from '../../entities/bookings/booking.entity.ts';
import type { FreeSection } from './waiting-list-seats.ts';

/**
 * The most seats any entry may ask for, whatever the limits (the request's own bound, as a hold's); within it an entry
 * asks for no more than its customer could hold (waitingListSeatLimit).
 */
export const WAITING_LIST_SEATS_BOUND = 50;
/** SEATS_PER_CUSTOMER_MAX's default, for a process whose configuration does not say. */
export const SEATS_PER_CUSTOMER_DEFAULT = 10;
/** How long an offer's seats are held for the customer when the event sets no window of its own. */
export const DEFAULT_OFFER_WINDOW_SECONDS = 15 * 60;
export const OFFER_WINDOW_LIMITS = { min: 1, max: 24 * 60 * 60 } as const;

export interface JoinRequest {
  eventId: string;
  customerId: string;
  seats: number;
  sectionId?: string | undefined;
  /** The seats this customer could hold of this event (waitingListSeatLimit); above it the join is refused. */
  maxSeats?: number;
}

/**
 * The seats one entry may ask for: what its customer could hold, as the hold path counts it. That is the platform's
 * limit per customer (SEATS_PER_CUSTOMER_MAX) and, while the event sells through its waiting room, the on-sale's
 * `maxSeatsPerCustomer` too: an offer holds no more than an admission could.
 */
export function waitingListSeatLimit(
  perCustomerMax: number,
  onSale: { waitingRoom: boolean; maxSeatsPerCustomer: number | null } | null,
): number {
  const admission = onSale?.waitingRoom && onSale.maxSeatsPerCustomer !== null ? onSale.maxSeatsPerCustomer : Infinity;
  return Math.min(perCustomerMax, admission, WAITING_LIST_SEATS_BOUND);
}

function seatLimitExceeded(limit: number, seats: number): DomainError {
  return new DomainError(
    'invalid',
    'WAITING_LIST_SEAT_LIMIT',
    `An entry asks for at most ${limit} seat(s) of this event, as many as one customer may hold; ${seats} were asked for.`,
    { errors: [{ field: 'seats', message: `at most ${limit} seat(s) per customer` }] },
  );
}

/** The event as the bookings service's catalog knows it is over (cancelled or completed): nothing will be offered. */
async function saleIsOver(em: EntityManager, eventId: string): Promise<boolean> {
  const rows = await em.execute(`select 1 from event_catalog where event_id = ? and status in ('cancelled', 'completed')`, [eventId]);
  return rows.length > 0;
}

export interface EntryView {
  entry: WaitingListEntryRow;
  /** 1 for the next entry to be served; null once the entry is no longer waiting. */
  position: number | null;
}

export const entryNotFound = () =>
  new DomainError('not_found', 'WAITING_LIST_ENTRY_NOT_FOUND', 'You are not on the waiting list of this event.');

/**
 * Joins the list, or answers the entry the account has already (another device, a retry: one entry per account); an
 * entry that left or whose offer lapsed joins again at the end of the list.
 * `freeSeats` reads the event's free seats now (for a new entry only): while the customer could book what they ask
 * for, they are told to book. An event that is over (cancelled, completed) takes no one: its list is served no more.
 */
export async function joinWaitingList(
  em: EntityManager,
  request: JoinRequest,
  freeSeats: () => Promise<FreeSection[] | null>,
): Promise<{ view: EntryView; created: boolean }> {
  if (await saleIsOver(em, request.eventId)) {
    throw new DomainError('conflict', 'EVENT_NOT_ON_SALE', 'The event is cancelled or completed: its waiting list takes no one.');
  }
  const known = await em.findOne(WaitingListEntry, { eventId: request.eventId, customerId: request.customerId });
  const again = known && (await mayJoinAgain(em, known));
  if (known && !again) return { view: await viewOf(em, known), created: false };
  if (request.maxSeats !== undefined && request.seats > request.maxSeats) throw seatLimitExceeded(request.maxSeats, request.seats);
  const free = await freeSeats();
  if (!free) throw new DomainError('not_found', 'EVENT_NOT_FOUND', 'No event on sale with this id.');
  if (request.sectionId !== undefined && !free.some((s) => s.sectionId === request.sectionId)) {
    throw new DomainError('not_found', 'SECTION_NOT_FOUND', 'The event has no section with this id.');
  }
  const scope = free.filter((s) => request.sectionId === undefined || s.sectionId === request.sectionId);
  // One offer holds its seats in one section, so that is what "free for you" means here too.
  if (scope.some((s) => s.available >= request.seats)) {
    throw new DomainError('conflict', 'EVENT_NOT_SOLD_OUT', 'Seats are free for this request: book them instead (POST /bookings).');
  }
  if (known) {
    // Back on the list, at its end: a new place and a fresh start of the rule for entries passed over; the offers
    // made before still count (their bookings keep their ids: the next offer's comes from the next attempt).
    await em.execute(
      `update waiting_list_entry set state = 'waiting', position = default, seats = ?, section_id = ?, passed_over = 0,
         offer_booking_id = null, offer_section_id = null, offer_expires_at = null, offer_notified = false,
         joined_at = now(), updated_at = now()
       where id = ? and state in ('left', 'lapsed')`,
      [request.seats, request.sectionId ?? null, known.id],
    );
    return { view: await viewOf(em, await em.findOneOrFail(WaitingListEntry, { id: known.id }, { refresh: true })), created: true };
  }
  // A second device joining at the same moment meets the unique key and reads the first device's entry.
  await em.execute(
    `insert into waiting_list_entry (id, event_id, customer_id, seats, section_id) values (?, ?, ?, ?, ?)
     on conflict (event_id, customer_id) do nothing`,
    [randomUUID(), request.eventId, request.customerId, request.seats, request.sectionId ?? null],
  );
  const entry = await em.findOneOrFail(WaitingListEntry, { eventId: request.eventId, customerId: request.customerId });
  return { view: await viewOf(em, entry), created: true };
}

/**
 * Whether an entry that left the list or whose offer lapsed may join again: once its last offer's booking holds no
 * seats (a leave whose cancel has not got through yet is finished first, by leaving again).
 */
async function mayJoinAgain(em: EntityManager, entry: WaitingListEntryRow): Promise<boolean> {
  if (entry.state !== 'left' && entry.state !== 'lapsed') return false;
  if (!entry.offerBookingId) return true;
  const [booking] = await em.execute<{ status: BookingStatus }[]>('select status from booking where id = ?', [entry.offerBookingId]);
  return !OFFER_LIVE.has(booking?.status ?? null);
}

export async function myEntry(em: EntityManager, eventId: string, customerId: string): Promise<EntryView> {
  const entry = await em.findOne(WaitingListEntry, { eventId, customerId });
  if (!entry) throw entryNotFound();
  return viewOf(em, entry);
}

/** Booking states in which an offer's booking holds its seats, or may yet (its row not written: null). */
const OFFER_LIVE: ReadonlySet<BookingStatus | null> = new Set([null, 'PENDING', 'HELD', 'PAYING']);

/**
 * Leaves the list. An open offer is given up with it: the booking to cancel is returned, so its seats go to the next
 * entry. Leaving again answers the entry as it is and, while the offer it left still holds (or may yet hold) its seats,
 * that booking to cancel again: a leave whose cancel did not get through is completed by its retry. An accepted entry
 * (its offer's booking paid, even before a pass has seen it) has its booking and cannot leave.
 */
export async function leaveWaitingList(
  em: EntityManager,
  eventId: string,
  customerId: string,
): Promise<{ view: EntryView; cancel: string | null }> {
  return em.transactional(async (tx) => {
    const [row] = await tx.execute<{ id: string; booking_status: BookingStatus | null }[]>(
      `select e.id, b.status as booking_status from waiting_list_entry e left join booking b on b.id = e.offer_booking_id
       where e.event_id = ? and e.customer_id = ? for update of e`,
      [eventId, customerId],
    );
    if (!row) throw entryNotFound();
    const entry = await tx.findOneOrFail(WaitingListEntry, { id: row.id }, { refresh: true });
    const paid = row.booking_status === 'CONFIRMED' || row.booking_status === 'REFUNDED';
    if (entry.state === 'accepted' || (entry.state === 'offered' && paid)) {
      throw new DomainError('conflict', 'WAITING_LIST_OFFER_ACCEPTED', 'Your offer was accepted: cancel its booking instead.');
    }
    const offerOpen = (entry.state === 'offered' || entry.state === 'left') && OFFER_LIVE.has(row.booking_status);
    const cancel = offerOpen ? (entry.offerBookingId ?? null) : null;
    if (entry.state === 'waiting' || entry.state === 'offered') {
      entry.state = 'left';
      entry.updatedAt = new Date();
      await tx.flush();
    }
    return { view: { entry, position: null }, cancel };
  });
}

async function viewOf(em: EntityManager, entry: WaitingListEntryRow): Promise<EntryView> {
  if (entry.state !== 'waiting') return { entry, position: null };
  const [ahead] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from waiting_list_entry where event_id = ? and state in ('waiting', 'offered') and position < ?`,
    [entry.eventId, entry.position],
  );
  return { entry, position: ahead!.n + 1 };
}

export interface WaitingListOverview {
  eventId: string;
  /** Entries still to serve: waiting, or holding an offer right now. */
  length: number;
  entries: Record<WaitingListState, number>;
  offers: { made: number; accepted: number; lapsed: number };
  offerWindowSeconds: number;
}

export async function waitingListOverview(em: EntityManager, eventId: string): Promise<WaitingListOverview> {
  const rows = await em.execute<{ state: WaitingListState; n: number; made: number }[]>(
    'select state, count(*)::int as n, coalesce(sum(attempt), 0)::int as made from waiting_list_entry where event_id = ? group by state',
    [eventId],
  );
  const entries = Object.fromEntries(WAITING_LIST_STATES.map((s) => [s, 0])) as Record<WaitingListState, number>;
  for (const row of rows) entries[row.state] = row.n;
  return {
    eventId,
    length: entries.waiting + entries.offered,
    entries,
    offers: { made: rows.reduce((sum, r) => sum + r.made, 0), accepted: entries.accepted, lapsed: entries.lapsed },
    offerWindowSeconds: await offerWindowSeconds(em, eventId),
  };
}

export async function offerWindowSeconds(em: EntityManager, eventId: string): Promise<number> {
  const policy = await em.findOne(WaitingListPolicy, { eventId });
  return policy?.offerWindowSeconds ?? DEFAULT_OFFER_WINDOW_SECONDS;
}

/** The event's offer window from now on; offers already made keep the window they were made with. */
export async function setOfferWindow(em: EntityManager, eventId: string, seconds: number): Promise<void> {
  await em.execute(
    `insert into waiting_list_policy (event_id, offer_window_seconds, updated_at) values (?, ?, now())
     on conflict (event_id) do update set offer_window_seconds = excluded.offer_window_seconds, updated_at = now()`,
    [eventId, seconds],
  );
}
