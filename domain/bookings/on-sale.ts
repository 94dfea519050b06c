// An event's on-sale settings: reading and saving them, and the copy each bookings process keeps in memory so that the
// hold path asks the database about an event's waiting room at most once every few seconds.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../common/db/orm.ts';
import { DomainError } from '../../common/errors/domain-error.ts';

export interface OnSaleSettings {
  eventId: string;
  opensAt: Date;
  waitingRoom: boolean;
  /** Admissions per minute, or 'auto': the admitter follows the holds made (workflows/on-sale-messages.ts). */
  admissionRatePerMinute: number | 'auto';
  admissionTtlSeconds: number;
  /** Seats one admission may hold; null leaves the platform's own limit per customer (SEATS_PER_CUSTOMER_MAX). */
  maxSeatsPerCustomer: number | null;
  joinsPerAddressPerMinute: number;
  currentRatePerMinute: number | null;
  openedAt: Date | null;
  soldOutAt: Date | null;
  updatedAt: Date;
}

/** Settings plus the key of the event's signed queue tickets and admission tokens: never answered to anyone. */
export interface OnSaleRecord extends OnSaleSettings {
  tokenSecret: string;
}

export type OnSaleChange = Pick<
  OnSaleSettings,
  'opensAt' | 'waitingRoom' | 'admissionRatePerMinute' | 'admissionTtlSeconds' | 'maxSeatsPerCustomer' | 'joinsPerAddressPerMinute'
>;

interface OnSaleRowRaw {
  event_id: string;
  opens_at: Date;
  waiting_room: boolean;
  admission_rate_per_minute: number | null;
  admission_ttl_seconds: number;
  max_seats_per_customer: number | null;
  joins_per_address_per_minute: number;
  current_rate_per_minute: number | null;
  token_secret: string;
  opened_at: Date | null;
  sold_out_at: Date | null;
  updated_at: Date;
}

function recordOf(r: OnSaleRowRaw): OnSaleRecord {
  return {
    eventId: r.event_id,
    opensAt: new Date(r.opens_at),
    waitingRoom: r.waiting_room,
    admissionRatePerMinute: r.admission_rate_per_minute ?? 'auto',
    admissionTtlSeconds: r.admission_ttl_seconds,
    maxSeatsPerCustomer: r.max_seats_per_customer,
    joinsPerAddressPerMinute: r.joins_per_address_per_minute,
    currentRatePerMinute: r.current_rate_per_minute,
    tokenSecret: r.token_secret,
    openedAt: r.opened_at ? new Date(r.opened_at) : null,
    soldOutAt: r.sold_out_at ? new Date(r.sold_out_at) : null,
    updatedAt: new Date(r.updated_at),
  };
}

export function settingsOf(record: OnSaleRecord): OnSaleSettings {
  const { tokenSecret: _secret, ...settings } = record;
  return settings;
}

export async function readOnSale(em: EntityManager, eventId: string): Promise<OnSaleRecord | null> {
  const [row] = await em.execute<OnSaleRowRaw[]>('select * from on_sale where event_id = ?', [eventId]);
  return row ? recordOf(row) : null;
}

/** Whether the event's facts have reached the bookings service (the catalog projection); settings need its event. */
async function eventKnown(em: EntityManager, eventId: string): Promise<{ status: string } | null> {
  const [row] = await em.execute<{ status: string }[]>('select status from event_catalog where event_id = ?', [eventId]);
  return row ?? null;
}

/**
 * Saves the settings (created with a new token key, or changed in place: the key stays, so tickets and admissions
 * already given out stay valid). An event that has sold out stays sold out; an opening already made is not undone.
 */
export async function saveOnSale(
  em: EntityManager,
  eventId: string,
  change: OnSaleChange,
): Promise<{ record: OnSaleRecord; created: boolean }> {
  const event = await eventKnown(em, eventId);
  if (!event) throw new DomainError('not_found', 'EVENT_NOT_FOUND', `No event ${eventId} has reached the bookings service.`);
  if (event.status === 'cancelled' || event.status === 'completed') {
    throw new DomainError('conflict', 'EVENT_NOT_ON_SALE', `The event is ${event.status}: it has no on-sale to set.`);
  }
  const rate = change.admissionRatePerMinute === 'auto' ? null : change.admissionRatePerMinute;
  const [row] = await em.execute<(OnSaleRowRaw & { created: boolean })[]>(
    `insert into on_sale (event_id, opens_at, waiting_room, admission_rate_per_minute, admission_ttl_seconds,
       max_seats_per_customer, joins_per_address_per_minute, token_secret, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, now())
     on conflict (event_id) do update set opens_at = excluded.opens_at, waiting_room = excluded.waiting_room,
       admission_rate_per_minute = excluded.admission_rate_per_minute, admission_ttl_seconds = excluded.admission_ttl_seconds,
       max_seats_per_customer = excluded.max_seats_per_customer,
       joins_per_address_per_minute = excluded.joins_per_address_per_minute, updated_at = now()
     returning *, (xmax = 0) as created`,
    [
      eventId,
      change.opensAt,
      change.waitingRoom,
      rate,
      change.admissionTtlSeconds,
      change.maxSeatsPerCustomer,
      change.joinsPerAddressPerMinute,
      randomBytes(32).toString('base64url'),
    ],
  );
  return { record: recordOf(row!), created: row!.created };
}

/** How long a process trusts its copy of an event's settings: a change made on another instance shows within it. */
export const SETTINGS_CACHE_MS = 2_000;
/** Events whose settings one process keeps at most (the least recently read go first). */
const SETTINGS_CACHE_SIZE = 2_000;

export interface OnSaleCache {
  /** The event's settings (null: none, so no waiting room), at most SETTINGS_CACHE_MS old. */
  get(eventId: string): Promise<OnSaleRecord | null>;
  /** This process changed them: the next read asks the database. */
  forget(eventId: string): void;
}

/**
 * Settings per event, read once per SETTINGS_CACHE_MS and shared by the requests that come meanwhile (one query for a
 * rush), so a hold of an event without a waiting room costs a map lookup. Bounded: the oldest entries go first.
 */
export function onSaleCache(orm: Orm, ttlMs = SETTINGS_CACHE_MS, now: () => number = Date.now): OnSaleCache {
  const entries = new Map<string, { at: number; value: Promise<OnSaleRecord | null> }>();
  return {
    get(eventId) {
      const hit = entries.get(eventId);
      if (hit && now() - hit.at < ttlMs) return hit.value;
      const value = readOnSale(orm.em.fork(), eventId);
      entries.delete(eventId);
      entries.set(eventId, { at: now(), value });
      // A failed read is not kept: the next request asks again.
      value.catch(() => entries.get(eventId)?.value === value && entries.delete(eventId));
      if (entries.size > SETTINGS_CACHE_SIZE) entries.delete(entries.keys().next().value!);
      return value;
    },
    forget(eventId) {
      entries.delete(eventId);
    },
  };
}

const SHARED = new WeakMap<Orm, OnSaleCache>();

/** The one cache of a process's bookings database, shared by the hold path and the settings route that forgets. */
export function sharedOnSaleCache(orm: Orm): OnSaleCache {
  let cache = SHARED.get(orm);
  if (!cache) SHARED.set(orm, (cache = onSaleCache(orm)));
  return cache;
}
