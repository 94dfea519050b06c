// Serving an event's waiting list: each pass settles the offers out (paid: accepted; expired or cancelled: lapsed;
// a hold that was refused: the entry waits again), tells customers of offers now held, and picks the entries the
// free seats go to next. The offers themselves are booking sagas the waiting-list workflow starts.
//
// The rule for entries of several seats, in list order: an entry is served when enough seats are free for it in one
// section (its own, or, for an entry that takes any, the one of the fewest free seats that fits). A later, smaller entry may be served before it while it
// waits, and each pass in which that happens counts once against it; once an entry has been passed over
// PASSED_OVER_LIMIT times, the seats of the sections it can use are kept for it (no entry behind it gets them) until
// enough are back to serve it. Singles are not blocked for ever by a big entry, nor a big entry starved by singles.
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { waitingListOfferedV1 } from '../../contracts/waiting-list.ts';
import type { BookingStatus } from '../../entities/bookings/booking.entity.ts';
import { PRODUCER } from './bookings.ts';
import { eventSummaryOf } from './subscriptions.ts';
import type { FreeSection } from './waiting-list-seats.ts';
import { offerWindowSeconds } from './waiting-list.ts';

export const PASSED_OVER_LIMIT = 3;
/**
 * Offers one entry may have refused for seats taken first (a race with a customer booking the seat the pass saw free):
 * each such entry waits again, but not for ever, as a refusal that keeps coming says the seats are not there for it.
 */
export const MAX_OFFER_ATTEMPTS = 10;
/** An offer whose booking has not been written this long after it was made never started: it is made again. */
const UNSTARTED_OFFER_MS = 60_000;

/** A booking saga to start for an entry: its booking id is the entry's and the attempt's, so a repeat is the same saga. */
export interface OfferToMake {
  entryId: string;
  bookingId: string;
  customerId: string;
  eventId: string;
  sectionId: string;
  seats: number;
  holdTtlMs: number;
}

export interface PassResult {
  offers: OfferToMake[];
  accepted: number;
  lapsed: number;
  /** Entries waiting and entries offered after the pass. */
  waiting: number;
  offered: number;
  /** Offers whose booking is not HELD yet: the next pass should come soon, to tell their customers. */
  unsettled: number;
  /** False when the events service has the event on sale no longer (cancelled, over): nothing more will be offered. */
  onSale: boolean;
}

/** The offer's booking id: a v5-shaped uuid from the entry and its attempt. */
export function offerBookingId(entryId: string, attempt: number): string {
  const hex = createHash('sha256').update(`waiting-list:${entryId}:${attempt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

export interface OpenEntry {
  id: string;
  seats: number;
  sectionId: string | null;
  passedOver: number;
}

/**
 * The rule above, over the waiting entries in list order and the free seats per section (in the venue's order):
 * which entries are served and in which section, and which were passed over in this pass.
 */
export function planOffers(entries: OpenEntry[], free: FreeSection[], limit = PASSED_OVER_LIMIT) {
  const left = new Map(free.map((s) => [s.sectionId, s.available]));
  const kept = new Set<string>();
  const served: { entry: OpenEntry; sectionId: string }[] = [];
  const skipped: OpenEntry[] = [];
  const passedOver: string[] = [];
  for (const entry of entries) {
    const usable = entry.sectionId ? [entry.sectionId] : free.map((s) => s.sectionId);
    // Of the sections that fit, the one with the fewest free seats: the larger blocks stay whole for larger entries.
    const fits = usable.filter((id) => !kept.has(id) && (left.get(id) ?? 0) >= entry.seats);
    const sectionId = fits.reduce<string | undefined>(
      (best, id) => (best === undefined || left.get(id)! < left.get(best)! ? id : best),
      undefined,
    );
    if (sectionId) {
      served.push({ entry, sectionId });
      left.set(sectionId, left.get(sectionId)! - entry.seats);
      // Everyone waiting ahead of it was passed over by this one (once per pass).
      passedOver.push(...skipped.splice(0).map((e) => e.id));
      continue;
    }
    skipped.push(entry);
    if (entry.passedOver >= limit) for (const id of usable) kept.add(id);
  }
  return { served, passedOver };
}

type OfferedRow = {
  id: string;
  customer_id: string;
  seats: number;
  attempt: number;
  offer_booking_id: string;
  offer_section_id: string;
  offer_notified: boolean;
  updated_at: Date;
  status: BookingStatus | null;
  failure_code: string | null;
  expires_at: Date | null;
  booking_seats: { seatId: string; label: string }[] | null;
  amount_minor: number | null;
  currency: string | null;
};

/**
 * One pass over an event's list, in one transaction under the event's lock, so two passes never offer the same seats
 * and an entry's state and its offer's booking id are written together before the saga starts: a crash after the
 * commit starts the same booking again on the next pass (the same id), never a second one.
 */
export async function servePass(em: EntityManager, eventId: string, free: FreeSection[] | null): Promise<PassResult> {
  return em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [`waiting-list:${eventId}`]);
    const result: PassResult = { offers: [], accepted: 0, lapsed: 0, waiting: 0, offered: 0, unsettled: 0, onSale: free !== null };
    const holdTtlMs = (await offerWindowSeconds(tx, eventId)) * 1000;
    const sections = free ?? [];
    const left = new Map(sections.map((s) => [s.sectionId, s.available]));
    // An entry whose hold was just refused waits for the next pass: the seats it was refused are not free now.
    const again = new Set<string>();
    const offered = await tx.execute<OfferedRow[]>(
      `select e.id, e.customer_id, e.seats, e.attempt, e.offer_booking_id, e.offer_section_id, e.offer_notified, e.updated_at,
              b.status, b.failure_code, b.expires_at, b.seats as booking_seats, b.amount_minor, b.currency
       from waiting_list_entry e left join booking b on b.id = e.offer_booking_id
       where e.event_id = ? and e.state = 'offered' order by e.position`,
      [eventId],
    );
    for (const row of offered) {
      const outcome = await settle(tx, eventId, row);
      if (outcome === 'accepted') result.accepted++;
      if (outcome === 'lapsed') result.lapsed++;
      if (outcome === 'again') again.add(row.id);
      if (outcome !== 'open' && outcome !== 'unstarted') continue;
      result.offered++;
      if (row.status === null || row.status === 'PENDING') {
        // Not held yet, so the events service still counts its seats free: they are this offer's all the same.
        left.set(row.offer_section_id, (left.get(row.offer_section_id) ?? 0) - row.seats);
        result.unsettled++;
      }
      if (outcome === 'unstarted') result.offers.push(offerOf(eventId, row, holdTtlMs));
    }
    const waiting = await tx.execute<
      { id: string; customer_id: string; seats: number; section_id: string | null; passed_over: number; attempt: number }[]
    >(
      `select id, customer_id, seats, section_id, passed_over, attempt from waiting_list_entry
       where event_id = ? and state = 'waiting' order by position`,
      [eventId],
    );
    const plan = planOffers(
      waiting
        .filter((w) => !again.has(w.id))
        .map((w) => ({ id: w.id, seats: w.seats, sectionId: w.section_id, passedOver: w.passed_over })),
      sections.map((s) => ({ sectionId: s.sectionId, available: Math.max(0, left.get(s.sectionId) ?? 0) })),
    );
    if (plan.passedOver.length > 0) {
      await tx.execute('update waiting_list_entry set passed_over = passed_over + 1 where id in (?)', [plan.passedOver]);
    }
    for (const { entry, sectionId } of plan.served) {
      const row = waiting.find((w) => w.id === entry.id)!;
      const bookingId = offerBookingId(row.id, row.attempt + 1);
      // A customer who left meanwhile (their leave does not wait for the pass's lock) is not offered anything.
      const marked = await tx.execute<{ id: string }[]>(
        `update waiting_list_entry set state = 'offered', attempt = attempt + 1, offer_booking_id = ?, offer_section_id = ?,
           offer_expires_at = null, offer_notified = false, updated_at = now() where id = ? and state = 'waiting' returning id`,
        [bookingId, sectionId, row.id],
      );
      if (marked.length === 0) continue;
      result.offered++;
      result.unsettled++;
      result.offers.push({ entryId: row.id, bookingId, customerId: row.customer_id, eventId, sectionId, seats: row.seats, holdTtlMs });
    }
    result.waiting = waiting.length - plan.served.length;
    return result;
  });
}

const offerOf = (eventId: string, row: OfferedRow, holdTtlMs: number): OfferToMake => ({
  entryId: row.id,
  bookingId: row.offer_booking_id,
  customerId: row.customer_id,
  eventId,
  sectionId: row.offer_section_id,
  seats: row.seats,
  holdTtlMs,
});

/** What became of one offer; its entry row moves with it. */
async function settle(
  tx: EntityManager,
  eventId: string,
  row: OfferedRow,
): Promise<'accepted' | 'lapsed' | 'again' | 'open' | 'unstarted'> {
  // Only while still offered: a customer who left meanwhile stays left.
  const move = (state: string, keepOffer = true) =>
    tx.execute(
      `update waiting_list_entry set state = ?, ${keepOffer ? '' : 'offer_booking_id = null, offer_section_id = null, offer_expires_at = null, '}updated_at = now()
       where id = ? and state = 'offered'`,
      [state, row.id],
    );
  switch (row.status) {
    case 'CONFIRMED':
    case 'REFUNDED':
      await move('accepted');
      return 'accepted';
    case 'EXPIRED':
    case 'CANCELLED':
      await move('lapsed');
      return 'lapsed';
    case 'FAILED':
      // The hold was refused. Seats taken first (someone booked the seat the pass saw free): the entry keeps its place
      // for the next seats. Any other refusal (the customer's own hold limit, the event off sale) or too many races:
      // the offer lapses, as it would have unpaid.
      if (row.failure_code === 'SEATS_UNAVAILABLE' && row.attempt < MAX_OFFER_ATTEMPTS) {
        await move('waiting', false);
        return 'again';
      }
      await move('lapsed');
      return 'lapsed';
    case null:
      // The saga was not started (the workflow stopped between the commit and the start): started again, same id.
      if (Date.now() - new Date(row.updated_at).getTime() < UNSTARTED_OFFER_MS) return 'unstarted';
      await move('waiting', false);
      return 'again';
    case 'HELD':
      if (!row.offer_notified) await notify(tx, eventId, row);
      return 'open';
    default:
      return 'open';
  }
}

/** The customer hears of the offer once its seats are held, with the seats, the price and until when. */
async function notify(tx: EntityManager, eventId: string, row: OfferedRow): Promise<void> {
  const summary = await eventSummaryOf(tx, eventId);
  enqueueEvent(
    tx,
    waitingListOfferedV1,
    {
      entryId: row.id,
      bookingId: row.offer_booking_id,
      customerId: row.customer_id,
      eventId,
      eventTitle: summary.title,
      seats: (row.booking_seats ?? []).map((s) => ({ seatId: s.seatId, label: s.label })),
      amountMinor: row.amount_minor,
      currency: row.currency?.trim() ?? null,
      expiresAt: new Date(row.expires_at!).toISOString(),
      timeZone: summary.timeZone,
    },
    PRODUCER,
  );
  await tx.execute('update waiting_list_entry set offer_notified = true, offer_expires_at = ?, updated_at = now() where id = ?', [
    row.expires_at,
    row.id,
  ]);
  await tx.flush();
}
