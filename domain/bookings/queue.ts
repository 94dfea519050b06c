// An event's waiting room in the bookings database: joining (one statement, one place per account), reading a place
// (one statement: the entry and the people ahead of it), leaving, and the in-process limits on joins.
//
// Where it would go in a clustered deployment: every statement here names one event, and every index leads with
// event_id, so queue_entry partitions by event (PARTITION BY HASH (event_id), or one table per large on-sale) and
// the on-sale's rows can live on a shard of their own (Citus distributing on event_id puts each event's queue and
// settings on one node, where these statements run unchanged). A sale's spike is one event's, so the write load
// moves with the event rather than being shared by one primary.
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors/domain-error.ts';
import type { QueueState } from '../../entities/bookings/on-sale.entity.ts';
import type { OnSaleRecord } from './on-sale.ts';

/** The states a customer is told: `pre_queue` is a place before the opening, whose rank the opening draws. */
export const PLACE_STATES = ['pre_queue', 'waiting', 'admitted', 'expired', 'used', 'sold_out'] as const;
export type PlaceState = (typeof PLACE_STATES)[number];

export interface Place {
  eventId: string;
  customerId: string;
  /** Arrival order, as a decimal string (a bigint). */
  seq: string;
  joinedAt: Date;
  state: PlaceState;
  /** 1 for the next to be admitted; null in the pre-queue and once admitted (or out). */
  position: number | null;
  peopleAhead: number | null;
  admissionId: string | null;
  expiresAt: Date | null;
}

interface EntryRaw {
  event_id: string;
  customer_id: string;
  seq: string;
  joined_at: Date;
  rank: string | null;
  state: QueueState;
  admission_id: string | null;
  expires_at: Date | null;
  /** Admitted, and past its expiry by the database's clock (the admitter has not swept it yet). */
  lapsed: boolean;
  ahead: number | null;
}

function placeOf(r: EntryRaw): Place {
  const state: PlaceState =
    r.state === 'waiting' ? (r.rank === null ? 'pre_queue' : 'waiting') : r.lapsed || r.state === 'left' ? 'expired' : r.state;
  const waiting = state === 'waiting';
  return {
    eventId: r.event_id,
    customerId: r.customer_id,
    seq: String(r.seq),
    joinedAt: new Date(r.joined_at),
    state,
    position: waiting ? (r.ahead ?? 0) + 1 : null,
    peopleAhead: waiting ? (r.ahead ?? 0) : null,
    admissionId: state === 'admitted' ? r.admission_id : null,
    expiresAt: state === 'admitted' || state === 'expired' ? (r.expires_at ? new Date(r.expires_at) : null) : null,
  };
}

const ENTRY_COLUMNS = `q.event_id, q.customer_id, q.seq, q.joined_at, q.rank, q.state, q.admission_id, q.expires_at,
  coalesce(q.state = 'admitted' and q.expires_at <= now(), false) as lapsed`;
/** The waiting ranked before an entry: an index-only range count on queue_entry_waiting_idx. */
const AHEAD = `case when q.state = 'waiting' and q.rank is not null then (select count(*)::int from queue_entry w
  where w.event_id = q.event_id and w.state = 'waiting' and w.rank < q.rank) end as ahead`;

/** Event states past which a sale is over: the admitter has ended, and joins are refused. */
const SALE_OVER = `('cancelled', 'completed')`;

/** A place to join (or join again) only while the sale takes joins: its waiting room on, not sold out, not over. */
const SALE_TAKES_JOINS = `s.waiting_room and s.sold_out_at is null
  and not exists (select 1 from event_catalog c where c.event_id = s.event_id and c.status in ${SALE_OVER})`;

/** A new place's rank: none before the opening (the opening draws it), else the next of the late arrivals. */
const NEW_RANK = `case when now() < s.opens_at then null else nextval('queue_entry_late_rank') end`;

/**
 * Joins the event's waiting room: one statement in the common case. Before the opening the place has no rank (the
 * opening shuffles the pre-queue); after it, the next rank of the late-arrival sequence, behind every shuffled one.
 * A second join of the same account (another device, a refresh) finds the first place and changes nothing, unless
 * that place's admission expired unused: then the join is a new place at the back, in arrival order, as if the account
 * had left and joined again (its old tokens are void). `created` says a new place was taken.
 */
export async function joinQueue(em: EntityManager, record: OnSaleRecord, customerId: string): Promise<{ place: Place; created: boolean }> {
  const inserted = await insertPlace(em, record.eventId, customerId);
  if (inserted) return { place: inserted, created: true };
  // Nothing was inserted: the account has a place, or the sale refused the join. One statement reads both, fresh
  // (not from a process's copy of the settings).
  const [row] = await em.execute<(Partial<EntryRaw> & { waiting_room: boolean; sold_out: boolean; over: boolean })[]>(
    `select s.waiting_room, s.sold_out_at is not null as sold_out,
       exists (select 1 from event_catalog c where c.event_id = s.event_id and c.status in ${SALE_OVER}) as over, p.*
     from on_sale s
     left join lateral (select ${ENTRY_COLUMNS}, ${AHEAD} from queue_entry q where q.event_id = s.event_id and q.customer_id = ?) p on true
     where s.event_id = ?`,
    [customerId, record.eventId],
  );
  if (row?.over) throw saleOver();
  if (!row?.waiting_room) throw waitingRoomOff();
  const place = row.customer_id ? placeOf(row as EntryRaw) : null;
  if (place && place.state !== 'expired') return { place, created: false };
  if (row.sold_out) throw soldOut();
  const again = place ? await rejoin(em, record.eventId, customerId) : await insertPlace(em, record.eventId, customerId);
  if (again) return { place: again, created: true };
  // Another device joined (again) first, or the place left meanwhile: what is there now is the answer.
  const now = await readPlace(em, record.eventId, customerId);
  if (now && now.state !== 'expired') return { place: now, created: false };
  throw waitingRoomOff();
}

/** A new place, when the account has none and the sale takes joins; null otherwise. One statement. */
async function insertPlace(em: EntityManager, eventId: string, customerId: string): Promise<Place | null> {
  const [row] = await em.execute<EntryRaw[]>(
    `insert into queue_entry as q (event_id, customer_id, rank)
     select s.event_id, ?, ${NEW_RANK}
     from on_sale s where s.event_id = ? and ${SALE_TAKES_JOINS}
     on conflict do nothing
     returning ${ENTRY_COLUMNS}, ${AHEAD}`,
    [customerId, eventId],
  );
  return row ? placeOf(row) : null;
}

/**
 * A place whose admission expired unused (or that left) becomes a new one at the back: a new arrival number (so a new
 * queue ticket), a new rank behind everyone there, no admission. One statement; null when the place is not such a one
 * any more (another device joined again first) or the sale takes no joins.
 */
async function rejoin(em: EntityManager, eventId: string, customerId: string): Promise<Place | null> {
  const [row] = await em.execute<EntryRaw[]>(
    `update queue_entry q set seq = default, joined_at = clock_timestamp(), rank = ${NEW_RANK}, state = 'waiting',
       admission_id = null, admitted_at = null, expires_at = null, used_at = null, booking_id = null
     from on_sale s
     where q.event_id = ? and q.customer_id = ? and s.event_id = q.event_id and ${SALE_TAKES_JOINS}
       and (q.state in ('expired', 'left') or (q.state = 'admitted' and q.expires_at <= now()))
     returning ${ENTRY_COLUMNS}, ${AHEAD}`,
    [eventId, customerId],
  );
  return row ? placeOf(row) : null;
}

export function saleOver(): DomainError {
  return new DomainError(
    'conflict',
    'EVENT_NOT_ON_SALE',
    'The event is cancelled or completed: its sale is over, and its waiting room takes no one.',
  );
}

export function soldOut(): DomainError {
  return new DomainError(
    'conflict',
    'EVENT_SOLD_OUT',
    'The event has sold out: the waiting room is closed. Seats that come back go to the waiting list: POST /events/{id}/waiting-list.',
  );
}

export function waitingRoomOff(): DomainError {
  return new DomainError('conflict', 'WAITING_ROOM_OFF', 'This event has no waiting room: hold seats with POST /bookings directly.');
}

export function notInQueue(): DomainError {
  return new DomainError(
    'not_found',
    'NOT_IN_QUEUE',
    'This account has no place in this event’s queue: join with POST /events/{id}/queue.',
  );
}

/** One statement: the entry and how many wait ahead of it. */
export async function readPlace(em: EntityManager, eventId: string, customerId: string): Promise<Place | null> {
  const [row] = await em.execute<EntryRaw[]>(
    `select ${ENTRY_COLUMNS}, ${AHEAD} from queue_entry q where q.event_id = ? and q.customer_id = ?`,
    [eventId, customerId],
  );
  return row ? placeOf(row) : null;
}

/** Leaves the queue (an admission not yet used is given up with it); a used admission's entry stays, it held. */
export async function leaveQueue(em: EntityManager, eventId: string, customerId: string): Promise<void> {
  const [gone] = await em.execute<{ state: QueueState }[]>(
    `with e as (select state from queue_entry where event_id = ? and customer_id = ?),
       d as (delete from queue_entry where event_id = ? and customer_id = ? and state <> 'used' returning 1)
     select state from e`,
    [eventId, customerId, eventId, customerId],
  );
  if (!gone) throw notInQueue();
  if (gone.state === 'used') {
    throw new DomainError('conflict', 'ADMISSION_USED', 'This place’s admission has been used by a hold: there is no place left to leave.');
  }
}

/** Seconds until a waiting customer's turn at `ratePerMinute`; null when not waiting or when no rate is known yet. */
export function estimatedWaitSeconds(place: Place, ratePerMinute: number | null): number | null {
  if (place.peopleAhead === null || !ratePerMinute) return null;
  return Math.ceil(((place.peopleAhead + 1) * 60) / ratePerMinute);
}

// ---- Join limits ----

/** Joins an account may make per minute (one place is kept whatever the count; this bounds the work of a loop). */
export const JOINS_PER_ACCOUNT_PER_MINUTE = 20;
/** Keys one process keeps counts for at most: past it, windows that have ended are swept. */
const MAX_LIMIT_KEYS = 100_000;

export interface JoinLimiter {
  /** Counts a join of this address and account; throws 429 TOO_MANY_REQUESTS with Retry-After past either limit. */
  hit(eventId: string, address: string, customerId: string, perAddressPerMinute: number): void;
}

/**
 * Fixed one-minute windows in this process's memory: a join spike must not wait on a counter row in the database.
 * Each instance counts the joins it receives, and the gateway spreads them round robin, so with N instances an address
 * gets about N times the limit: set the per-address limit with that in mind (or put a shared store, Redis, behind this
 * interface in a large deployment).
 */
export function joinLimiter(now: () => number = Date.now): JoinLimiter {
  const windows = new Map<string, { startedAt: number; hits: number }>();
  const count = (key: string, limit: number, what: string) => {
    const at = now();
    let window = windows.get(key);
    if (!window || at - window.startedAt >= 60_000) {
      if (windows.size >= MAX_LIMIT_KEYS) for (const [k, w] of windows) if (at - w.startedAt >= 60_000) windows.delete(k);
      window = { startedAt: at, hits: 0 };
      windows.set(key, window);
    }
    window.hits++;
    if (window.hits > limit) {
      const seconds = Math.max(1, Math.ceil((window.startedAt + 60_000 - at) / 1000));
      throw new DomainError('rate_limited', 'TOO_MANY_REQUESTS', `Too many joins from this ${what}. Try again in ${seconds} s.`, {
        retryAfterSeconds: seconds,
      });
    }
  };
  return {
    hit(eventId, address, customerId, perAddressPerMinute) {
      count(`a:${eventId}:${address}`, perAddressPerMinute, 'address');
      count(`c:${eventId}:${customerId}`, JOINS_PER_ACCOUNT_PER_MINUTE, 'account');
    },
  };
}
