// The seat inventory: holds that claim all their seats or none, confirmation into a sale, release and return.
// Every operation is keyed by the hold id and idempotent; each change is announced on NOTIFY seat_changes.
import { DeadlockException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors/domain-error.ts';

export const SEAT_CHANGES_CHANNEL = 'seat_changes';

/** A seat counts as free when nobody holds it or its hold has expired: no cleanup is needed to sell it again. */
const FREE = `(inv.status = 'available' or (inv.status = 'held' and inv.expires_at <= now()))`;

export type SeatSelection = { seatIds: string[] } | { sectionId: string; quantity: number };

export interface HoldRequest {
  holdId: string;
  eventId: string;
  customerId: string;
  selection: SeatSelection;
  /** The hold lapses at this instant; its seats are free again from then on. */
  until: Date;
  /** Seats one customer may hold at once for one event. */
  maxSeatsPerCustomer: number;
}

export interface HeldSeat {
  seatId: string;
  /** Readable, e.g. "Orchestra A-12". */
  label: string;
  section: string;
  priceMinor: number;
  currency: string;
}

export interface HoldResult {
  holdId: string;
  eventId: string;
  expiresAt: string;
  seats: HeldSeat[];
  totalMinor: number;
  currency: string;
}

export type SeatStatus = 'available' | 'held' | 'sold';

export interface SeatChange {
  eventId: string;
  seats: { seatId: string; status: SeatStatus }[];
}

type HoldRow = {
  status: 'held' | 'released' | 'confirmed' | 'returned';
  seat_count: number;
  result: HoldResult | null;
  event_id: string | null;
};

function seatsUnavailable(seatIds: string[], detail: string): DomainError {
  return new DomainError('conflict', 'SEATS_UNAVAILABLE', detail, {
    seatIds,
    errors: seatIds.map((seatId) => ({ field: `seats.${seatId}`, message: 'is already taken' })),
  });
}

export function noLongerHeld(holdId: string): DomainError {
  return new DomainError('conflict', 'SEATS_NO_LONGER_HELD', `Hold ${holdId} no longer owns its seats (it expired or was released).`);
}

/**
 * Locks the hold's row, first taking a transaction lock on its id: two claims (or a claim and a release) of one hold id
 * run one after the other, even before its row exists, so the second finds what the first did.
 */
async function lockHold(em: EntityManager, holdId: string): Promise<HoldRow | undefined> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`hold-id:${holdId}`]);
  const [row] = await em.execute<HoldRow[]>('select status, seat_count, result, event_id from seat_hold where id = ? for update', [holdId]);
  return row;
}

async function announce(em: EntityManager, change: SeatChange): Promise<void> {
  if (change.seats.length === 0) return;
  let payload = JSON.stringify(change);
  // NOTIFY payloads stop at 8000 bytes; listeners then reload the event's seats.
  if (payload.length > 7_500) payload = JSON.stringify({ eventId: change.eventId, seats: [], resync: true });
  await em.execute('select pg_notify(?, ?)', [SEAT_CHANGES_CHANNEL, payload]);
}

class ClaimMissed extends Error {}

/**
 * Claims exactly these seats for the hold, in one statement: all of them, or none when any is taken. Rows are locked
 * in seat order (no deadlock between two claims), inside a savepoint so a missed claim keeps no lock.
 */
async function claim(em: EntityManager, request: HoldRequest, seatIds: string[]): Promise<boolean> {
  try {
    await em.transactional(async (sp) => {
      if ((await claimStatement(sp, request, seatIds)) !== seatIds.length) throw new ClaimMissed();
    });
    return true;
  } catch (err) {
    if (err instanceof ClaimMissed) return false;
    throw err;
  }
}

async function claimStatement(em: EntityManager, request: HoldRequest, seatIds: string[]): Promise<number> {
  const rows = await em.execute<{ seat_id: string }[]>(
    `with wanted as (
       select inv.seat_id from seat_inventory inv
       where inv.event_id = ? and inv.seat_id in (?) and ${FREE}
       order by inv.seat_id
       for update
     )
     update seat_inventory inv
       set status = 'held', hold_id = ?, customer_id = ?, expires_at = ?, version = inv.version + 1, updated_at = now()
     where inv.event_id = ? and inv.seat_id in (select seat_id from wanted) and (select count(*) from wanted) = ?
     returning inv.seat_id`,
    [request.eventId, seatIds, request.holdId, request.customerId, request.until, request.eventId, seatIds.length],
  );
  return rows.length;
}

async function claimNamedSeats(em: EntityManager, request: HoldRequest, seatIds: string[]): Promise<void> {
  const unique = [...new Set(seatIds)];
  const known = await em.execute<{ seat_id: string }[]>('select seat_id from seat_inventory where event_id = ? and seat_id in (?)', [
    request.eventId,
    unique,
  ]);
  if (known.length !== unique.length) {
    const found = new Set(known.map((r) => r.seat_id));
    const missing = unique.filter((id) => !found.has(id));
    throw new DomainError('invalid', 'SEAT_NOT_FOUND', 'Some seats are not for sale at this event.', {
      seatIds: missing,
      errors: missing.map((id) => ({ field: `seats.${id}`, message: 'is not a seat for sale at this event' })),
    });
  }
  if (await claim(em, request, unique)) return;
  const taken = await em.execute<{ seat_id: string }[]>(
    `select inv.seat_id from seat_inventory inv where inv.event_id = ? and inv.seat_id in (?) and not ${FREE}`,
    [request.eventId, unique],
  );
  throw seatsUnavailable(
    taken.map((r) => r.seat_id),
    'Some of these seats are already taken; nothing was held.',
  );
}

/**
 * Best available in a section: the front-most row with enough adjacent free seats, else the front-most free seats.
 * Seats taken between choosing and claiming make it choose again.
 */
async function claimBestSeats(em: EntityManager, request: HoldRequest, sectionId: string, quantity: number): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const free = await em.execute<{ seat_id: string; row_position: number; number: number; run: string; run_length: string }[]>(
      `with free as (
         select inv.seat_id, s.row_position, s.number,
                s.number - row_number() over (partition by s.row_position order by s.number) as run
         from seat_inventory inv join venue_seat s on s.id = inv.seat_id
         where inv.event_id = ? and inv.section_id = ? and ${FREE}
       )
       select seat_id, row_position, number, run, count(*) over (partition by row_position, run) as run_length
       from free order by row_position, number`,
      [request.eventId, sectionId],
    );
    if (free.length < quantity) {
      throw new DomainError('conflict', 'SEATS_UNAVAILABLE', `Only ${free.length} seats are left in this section; nothing was held.`);
    }
    const adjacent = free.find((seat) => Number(seat.run_length) >= quantity);
    const chosen = adjacent
      ? free.filter((s) => s.row_position === adjacent.row_position && s.run === adjacent.run).slice(0, quantity)
      : free.slice(0, quantity);
    if (
      await claim(
        em,
        request,
        chosen.map((s) => s.seat_id),
      )
    )
      return;
  }
  throw new DomainError('conflict', 'SEATS_UNAVAILABLE', 'The seats in this section are selling fast; nothing was held. Try again.');
}

async function heldSeats(em: EntityManager, holdId: string): Promise<HeldSeat[]> {
  const rows = await em.execute<
    { seat_id: string; section: string; row_label: string; number: number; price_minor: number; currency: string }[]
  >(
    `select inv.seat_id, sec.name as section, s.row_label, s.number, inv.price_minor, inv.currency
     from seat_inventory inv join venue_seat s on s.id = inv.seat_id join venue_section sec on sec.id = s.section_id
     where inv.hold_id = ? order by sec.position, s.row_position, s.number`,
    [holdId],
  );
  return rows.map((r) => ({
    seatId: r.seat_id,
    label: `${r.section} ${r.row_label}-${r.number}`,
    section: r.section,
    priceMinor: r.price_minor,
    currency: r.currency.trim(),
  }));
}

/**
 * Holds seats for a customer until `until`: the named seats, or the best `quantity` in a section. All or none.
 * Running it again with the same hold id answers the first result and changes nothing.
 */
export async function holdSeats(em: EntityManager, request: HoldRequest): Promise<HoldResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await holdOnce(em, request);
    } catch (err) {
      // Two holds can still wait on each other through the seat_hold rows; the loser simply runs again.
      if (!(err instanceof DeadlockException) || attempt >= 3) throw err;
    }
  }
}

async function holdOnce(em: EntityManager, request: HoldRequest): Promise<HoldResult> {
  return em.transactional(async (tx) => {
    const existing = await lockHold(tx, request.holdId);
    if (existing?.result && (existing.status === 'held' || existing.status === 'confirmed')) return existing.result;
    if (existing)
      throw new DomainError('conflict', 'HOLD_RELEASED', `Hold ${request.holdId} was already released; its seats are not held any more.`);

    const [event] = await tx.execute<{ status: string; sales_open_at: Date | null; sales_close_at: Date | null; starts_at: Date }[]>(
      'select status, sales_open_at, sales_close_at, starts_at from event where id = ?',
      [request.eventId],
    );
    if (!event || event.status === 'draft') throw new DomainError('not_found', 'EVENT_NOT_FOUND', 'No event with this id.');
    const now = new Date();
    const closes = event.sales_close_at ?? event.starts_at;
    if (event.status !== 'published' || (event.sales_open_at && now < new Date(event.sales_open_at)) || now >= new Date(closes)) {
      throw new DomainError('conflict', 'EVENT_NOT_ON_SALE', 'Tickets for this event are not on sale right now.');
    }

    const requested = 'seatIds' in request.selection ? new Set(request.selection.seatIds).size : request.selection.quantity;
    // One customer's holds for one event are counted one at a time, so two parallel requests cannot both slip under the cap.
    await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`hold:${request.eventId}:${request.customerId}`]);
    const [held] = await tx.execute<{ seats: number }[]>(
      `select coalesce(sum(seat_count), 0)::int as seats from seat_hold
       where event_id = ? and customer_id = ? and status = 'held' and expires_at > now()`,
      [request.eventId, request.customerId],
    );
    if (held!.seats + requested > request.maxSeatsPerCustomer) {
      throw new DomainError(
        'conflict',
        'HOLD_LIMIT_EXCEEDED',
        `One customer may hold at most ${request.maxSeatsPerCustomer} seats of an event at once (already holding ${held!.seats}).`,
      );
    }

    if ('seatIds' in request.selection) await claimNamedSeats(tx, request, request.selection.seatIds);
    else await claimBestSeats(tx, request, request.selection.sectionId, request.selection.quantity);

    const seats = await heldSeats(tx, request.holdId);
    const result: HoldResult = {
      holdId: request.holdId,
      eventId: request.eventId,
      expiresAt: request.until.toISOString(),
      seats,
      totalMinor: seats.reduce((sum, s) => sum + s.priceMinor, 0),
      currency: seats[0]!.currency,
    };
    await tx.execute(
      `insert into seat_hold (id, event_id, customer_id, status, seat_count, expires_at, result) values (?, ?, ?, 'held', ?, ?, ?)`,
      [request.holdId, request.eventId, request.customerId, seats.length, request.until, JSON.stringify(result)],
    );
    await announce(tx, { eventId: request.eventId, seats: seats.map((s) => ({ seatId: s.seatId, status: 'held' })) });
    return result;
  });
}

/** Whether this hold id was ever claimed or released. */
export async function holdKnown(em: EntityManager, holdId: string): Promise<boolean> {
  const rows = await em.execute<{ one: number }[]>('select 1 as one from seat_hold where id = ?', [holdId]);
  return rows.length > 0;
}

/** Frees a hold's seats (expiry or cancellation before payment). A hold never made is recorded as released. */
export async function releaseSeats(em: EntityManager, holdId: string): Promise<{ released: number }> {
  return em.transactional(async (tx) => {
    const hold = await lockHold(tx, holdId);
    if (!hold) {
      // A hold request still in flight must not claim seats after its booking gave up on it.
      await tx.execute(`insert into seat_hold (id, status, seat_count) values (?, 'released', 0)`, [holdId]);
      return { released: 0 };
    }
    if (hold.status !== 'held') return { released: 0 };
    const rows = await tx.execute<{ seat_id: string; event_id: string }[]>(
      `update seat_inventory set status = 'available', hold_id = null, customer_id = null, expires_at = null,
         version = version + 1, updated_at = now()
       where hold_id = ? and status = 'held' returning seat_id, event_id`,
      [holdId],
    );
    await tx.execute(`update seat_hold set status = 'released', updated_at = now() where id = ?`, [holdId]);
    await announce(tx, { eventId: hold.event_id!, seats: rows.map((r) => ({ seatId: r.seat_id, status: 'available' })) });
    return { released: rows.length };
  });
}

export interface HoldExtension {
  holdId: string;
  /** The hold's seats, every one still its own and now held until `expiresAt`. */
  seats: number;
  /** When the hold's seats lapse now: `until`, or later if they were already held longer. */
  expiresAt: string;
}

/**
 * Keeps a hold's seats while its payment is in flight: their expiry (and the hold's) moves forward to `until`, never
 * backward. Only a hold that still owns every one of its seats is extended. A hold that lapsed a moment ago (its
 * payment was asked for in time, and reached here just after) still owns seats nobody has claimed since: those are
 * kept for it, as no other customer was promised them. A released, confirmed or partly lost hold (a seat claimed by
 * another hold, or freed) is not revived: SEATS_NO_LONGER_HELD, and nothing changes. The seats stay held; their new
 * expiry is announced.
 */
export async function extendHold(em: EntityManager, holdId: string, until: Date): Promise<HoldExtension> {
  return em.transactional(async (tx) => {
    const hold = await lockHold(tx, holdId);
    if (!hold?.result || hold.status !== 'held') throw noLongerHeld(holdId);
    const rows = await tx.execute<{ seat_id: string }[]>(
      `update seat_inventory set expires_at = greatest(expires_at, ?), version = version + 1, updated_at = now()
       where hold_id = ? and status = 'held' returning seat_id`,
      [until, holdId],
    );
    // A claim of a lapsed seat rewrites its hold_id under the row lock, so a seat counted here is still this hold's.
    if (rows.length !== hold.seat_count) throw noLongerHeld(holdId); // rolls the partial extension back
    const [extended] = await tx.execute<{ expires_at: Date }[]>(
      `update seat_hold set expires_at = greatest(expires_at, ?), updated_at = now() where id = ? returning expires_at`,
      [until, holdId],
    );
    // Still held, for longer: readers that keep each held seat's expiry (the in-memory seat state) learn the new one.
    await announce(tx, { eventId: hold.event_id!, seats: rows.map((r) => ({ seatId: r.seat_id, status: 'held' })) });
    return { holdId, seats: rows.length, expiresAt: new Date(extended!.expires_at).toISOString() };
  });
}

/** Turns a hold into a sale, only while every seat is still this hold's and the hold has not expired. */
export async function confirmSeats(em: EntityManager, holdId: string): Promise<HoldResult> {
  return em.transactional(async (tx) => {
    const hold = await lockHold(tx, holdId);
    if (hold?.status === 'confirmed' && hold.result) return hold.result;
    if (!hold?.result || hold.status !== 'held') throw noLongerHeld(holdId);
    const rows = await tx.execute<{ seat_id: string }[]>(
      `update seat_inventory set status = 'sold', expires_at = null, version = version + 1, updated_at = now()
       where hold_id = ? and status = 'held' and expires_at > now() returning seat_id`,
      [holdId],
    );
    if (rows.length !== hold.seat_count) throw noLongerHeld(holdId); // rolls the partial sale back
    await tx.execute(`update seat_hold set status = 'confirmed', updated_at = now() where id = ?`, [holdId]);
    await announce(tx, { eventId: hold.event_id!, seats: rows.map((r) => ({ seatId: r.seat_id, status: 'sold' })) });
    return hold.result;
  });
}

/** Puts a sale's seats back on sale (a refunded booking). */
export async function returnSeats(em: EntityManager, holdId: string): Promise<{ returned: number }> {
  return em.transactional(async (tx) => {
    const hold = await lockHold(tx, holdId);
    if (hold?.status === 'returned') return { returned: 0 };
    if (hold?.status !== 'confirmed')
      throw new DomainError('conflict', 'HOLD_NOT_SOLD', `Hold ${holdId} was never confirmed; there is nothing to return.`);
    const rows = await tx.execute<{ seat_id: string }[]>(
      `update seat_inventory set status = 'available', hold_id = null, customer_id = null, expires_at = null,
         version = version + 1, updated_at = now()
       where hold_id = ? and status = 'sold' returning seat_id`,
      [holdId],
    );
    await tx.execute(`update seat_hold set status = 'returned', updated_at = now() where id = ?`, [holdId]);
    await announce(tx, { eventId: hold.event_id!, seats: rows.map((r) => ({ seatId: r.seat_id, status: 'available' })) });
    return { returned: rows.length };
  });
}

export interface MapSeat {
  seatId: string;
  label: string;
  section: string;
  sectionId: string;
  row: string;
  number: number;
  accessible: boolean;
  priceMinor: number | null;
  currency: string | null;
  status: SeatStatus | 'blocked';
}

/** Every seat of the event's venue with its status now (an expired hold reads as available). */
export async function seatMap(em: EntityManager, eventId: string): Promise<MapSeat[]> {
  const rows = await em.execute<
    {
      seat_id: string;
      section: string;
      section_id: string;
      row_label: string;
      number: number;
      accessible: boolean;
      price_minor: number | null;
      currency: string | null;
      status: MapSeat['status'];
    }[]
  >(
    `select s.id as seat_id, sec.name as section, sec.id as section_id, s.row_label, s.number, s.accessible,
            inv.price_minor, inv.currency,
            case when inv.seat_id is null then 'blocked'
                 when ${FREE} then 'available' else inv.status end as status
     from event e
     join venue_seat s on s.venue_id = e.venue_id
     join venue_section sec on sec.id = s.section_id
     left join seat_inventory inv on inv.event_id = e.id and inv.seat_id = s.id
     where e.id = ?
     order by sec.position, s.row_position, s.number`,
    [eventId],
  );
  return rows.map((r) => ({
    seatId: r.seat_id,
    label: `${r.section} ${r.row_label}-${r.number}`,
    section: r.section,
    sectionId: r.section_id,
    row: r.row_label,
    number: r.number,
    accessible: r.accessible,
    priceMinor: r.price_minor,
    currency: r.currency?.trim() ?? null,
    status: r.status,
  }));
}

export interface SectionAvailability {
  sectionId: string;
  section: string;
  tier: string | null;
  priceMinor: number | null;
  currency: string | null;
  total: number;
  available: number;
  held: number;
  sold: number;
}

/** Seats for sale per section and price tier: total, available (expired holds included), held and sold. */
export async function availability(em: EntityManager, eventId: string): Promise<SectionAvailability[]> {
  const rows = await em.execute<
    {
      section_id: string;
      section: string;
      tier: string | null;
      price_minor: number | null;
      currency: string | null;
      total: string;
      available: string;
      held: string;
      sold: string;
    }[]
  >(
    `select sec.id as section_id, sec.name as section, t.name as tier, t.price_minor, t.currency,
            count(*) as total,
            count(*) filter (where ${FREE}) as available,
            count(*) filter (where inv.status = 'held' and inv.expires_at > now()) as held,
            count(*) filter (where inv.status = 'sold') as sold
     from seat_inventory inv
     join venue_section sec on sec.id = inv.section_id
     left join price_tier t on t.event_id = inv.event_id and t.section_id = inv.section_id
     where inv.event_id = ?
     group by sec.id, sec.name, sec.position, t.name, t.price_minor, t.currency
     order by sec.position`,
    [eventId],
  );
  return rows.map((r) => ({
    sectionId: r.section_id,
    section: r.section,
    tier: r.tier,
    priceMinor: r.price_minor,
    currency: r.currency?.trim() ?? null,
    total: Number(r.total),
    available: Number(r.available),
    held: Number(r.held),
    sold: Number(r.sold),
  }));
}
