// An event's sales as the bookings service's own records tell them: seats sold and held per section, revenue and
// refunds, bookings by status, and confirmed sales over time. Free seats are the events service's to say.
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors/domain-error.ts';
import { BOOKING_STATUSES, type BookingStatus } from '../../entities/bookings/booking.entity.ts';

/** The buckets a sales series can be cut into, by name, in minutes. */
export const SALES_BUCKETS = { '15m': 15, '1h': 60, '6h': 360, '1d': 1440 } as const;
export type SalesBucket = keyof typeof SALES_BUCKETS;

/** The most buckets one answer carries (the latest ones): a year of days, or ten days of quarter hours. */
export const MAX_SALES_POINTS = 1_000;

/** A booking's seats are taken from the hold until it ends: paying is still held. */
const HOLDING = ['HELD', 'PAYING'] as const;

export interface SectionSales {
  section: string;
  sold: number;
  held: number;
}

export interface SalesPoint {
  start: Date;
  seats: number;
  revenueMinor: number;
}

export interface EventSales {
  eventId: string;
  currency: string | null;
  sections: SectionSales[];
  grossMinor: number;
  refundedMinor: number;
  bookings: Record<BookingStatus, number>;
  bucket: SalesBucket;
  series: SalesPoint[];
}

export async function eventSales(em: EntityManager, eventId: string, bucket: SalesBucket): Promise<EventSales> {
  await mustKnowEvent(em, eventId);
  const [sections, money, bookings, series] = await Promise.all([
    sectionSales(em.fork(), eventId),
    revenue(em.fork(), eventId),
    bookingCounts(em.fork(), eventId),
    salesSeries(em.fork(), eventId, bucket),
  ]);
  return { eventId, ...money, sections, bookings, bucket, series };
}

/** An event is known once its facts reached the catalog, or once it has a booking (its facts may still be on the way). */
async function mustKnowEvent(em: EntityManager, eventId: string): Promise<void> {
  const rows = await em.execute<{ known: boolean }[]>(
    `select exists (select 1 from event_catalog where event_id = ?) or exists (select 1 from booking where event_id = ?) as known`,
    [eventId, eventId],
  );
  if (!rows[0]?.known) throw new DomainError('not_found', 'EVENT_NOT_FOUND', 'No event with this id.');
}

async function sectionSales(em: EntityManager, eventId: string): Promise<SectionSales[]> {
  const rows = await em.execute<{ section: string; sold: string; held: string }[]>(
    `select s->>'section' as section,
            count(*) filter (where b.status = 'CONFIRMED') as sold,
            count(*) filter (where b.status in (?)) as held
       from booking b cross join lateral jsonb_array_elements(b.seats) s
      where b.event_id = ? and b.status in (?)
      group by 1 order by 1`,
    [[...HOLDING], eventId, ['CONFIRMED', ...HOLDING]],
  );
  return rows.map((r) => ({ section: r.section, sold: Number(r.sold), held: Number(r.held) }));
}

/** Gross is every booking that was ever confirmed (a later refund does not unsell it); refunds are counted beside it. */
async function revenue(em: EntityManager, eventId: string) {
  const rows = await em.execute<{ currency: string | null; gross: string; refunded: string }[]>(
    `select b.currency, coalesce(sum(b.amount_minor), 0) as gross, coalesce(sum(b.refunded_minor), 0) as refunded
       from booking b
      where b.event_id = ? and ${EVER_CONFIRMED}
      group by b.currency order by count(*) desc limit 1`,
    [eventId],
  );
  const row = rows[0];
  return { currency: row?.currency ?? null, grossMinor: Number(row?.gross ?? 0), refundedMinor: Number(row?.refunded ?? 0) };
}

const EVER_CONFIRMED = `exists (select 1 from booking_history h where h.booking_id = b.id and h.to_status = 'CONFIRMED')`;

async function bookingCounts(em: EntityManager, eventId: string): Promise<Record<BookingStatus, number>> {
  const rows = await em.execute<{ status: BookingStatus; n: string }[]>(
    'select status, count(*) as n from booking where event_id = ? group by status',
    [eventId],
  );
  const counts = Object.fromEntries(BOOKING_STATUSES.map((s) => [s, 0])) as Record<BookingStatus, number>;
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** Seats and revenue by the time each booking was confirmed, in buckets aligned to UTC midnight; empty buckets left out. */
async function salesSeries(em: EntityManager, eventId: string, bucket: SalesBucket): Promise<SalesPoint[]> {
  const rows = await em.execute<{ start: Date; seats: string; revenue: string }[]>(
    `select * from (
       select date_bin(make_interval(mins => ?), c.at, timestamptz '2000-01-01T00:00:00Z') as start,
              sum(jsonb_array_length(b.seats)) as seats, coalesce(sum(b.amount_minor), 0) as revenue
         from booking b
         join lateral (select min(h.at) as at from booking_history h where h.booking_id = b.id and h.to_status = 'CONFIRMED') c on true
        where b.event_id = ? and c.at is not null
        group by 1 order by 1 desc limit ?
     ) latest order by start`,
    [SALES_BUCKETS[bucket], eventId, MAX_SALES_POINTS],
  );
  return rows.map((r) => ({ start: new Date(r.start), seats: Number(r.seats), revenueMinor: Number(r.revenue) }));
}
