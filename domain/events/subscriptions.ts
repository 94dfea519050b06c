// The events service's projections: sold seats and revenue per event, from booking facts; tickets inside per event,
// from the door's check-in facts.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import type { EnvelopeOf } from '../../contracts/envelope.ts';
import { bookingCancelledV1, bookingConfirmedV1 } from '../../contracts/bookings.ts';
import { ticketCheckedInV1 } from '../../contracts/tickets.ts';

export function salesSubscription(): Omit<Subscription, 'purpose'> {
  // One event's facts in one lane: its single event_sales row is never updated by two batches at once (no lock waits,
  // no deadlocks between batches that touch the same events in different orders).
  const options = { orderKey: (fact: { data: { eventId: string } }) => fact.data.eventId };
  return {
    handlers: [
      on(bookingConfirmedV1, countSale, options),
      on(bookingCancelledV1, uncountSale, options),
      on(ticketCheckedInV1, countDoor, options),
    ],
  };
}

/**
 * An admission adds one to the event's tickets inside, an exit takes one off. The consumer's inbox applies each fact
 * once, so a redelivered scan counts once; the facts of one event come in one lane, so the row is never contended.
 */
async function countDoor(em: EntityManager, { data: scan }: EnvelopeOf<typeof ticketCheckedInV1>): Promise<void> {
  const step = scan.direction === 'in' ? 1 : -1;
  await em.execute(
    `insert into event_door (event_id, checked_in, updated_at) values (?, ?, now())
     on conflict (event_id) do update set checked_in = event_door.checked_in + excluded.checked_in, updated_at = now()`,
    [scan.eventId, step],
  );
}

/** Tickets of the event inside now (0 before the first scan). */
export async function checkedInCount(em: EntityManager, eventId: string): Promise<number> {
  const [row] = await em.execute<{ checked_in: number }[]>('select checked_in from event_door where event_id = ?', [eventId]);
  return Math.max(0, row?.checked_in ?? 0);
}

async function countSale(em: EntityManager, { data: b }: EnvelopeOf<typeof bookingConfirmedV1>): Promise<void> {
  const counted = await em.execute(
    `insert into sales_booking (booking_id, event_id, seats, amount_minor) values (?, ?, ?, ?) on conflict do nothing returning booking_id`,
    [b.bookingId, b.eventId, b.seats.length, b.amountMinor ?? 0],
  );
  if (counted.length === 0) return;
  await em.execute(
    `insert into event_sales (event_id, sold_seats, revenue_minor, currency) values (?, ?, ?, ?)
     on conflict (event_id) do update set sold_seats = event_sales.sold_seats + excluded.sold_seats,
       revenue_minor = event_sales.revenue_minor + excluded.revenue_minor, updated_at = now()`,
    [b.eventId, b.seats.length, b.amountMinor ?? 0, b.currency],
  );
}

async function uncountSale(em: EntityManager, { data: b }: EnvelopeOf<typeof bookingCancelledV1>): Promise<void> {
  // One statement whichever fact comes first: a counted sale is marked cancelled (and taken off below); a sale not
  // counted yet (cancelled before its confirmation arrived, or never confirmed) gets a marker that keeps a late
  // confirmation from counting. A confirmation being counted at this very moment is waited for by the unique key, so
  // the two facts applied together cannot both miss each other.
  const [uncounted] = await em.execute<{ seats: number; amount_minor: number }[]>(
    `insert into sales_booking (booking_id, event_id, seats, amount_minor, cancelled) values (?, ?, 0, 0, true)
     on conflict (booking_id) do update set cancelled = true where not sales_booking.cancelled
     returning seats, amount_minor`,
    [b.bookingId, b.eventId],
  );
  // Nothing returned: already cancelled (a repeat). A marker (0 seats): nothing was counted, so nothing comes off.
  if (!uncounted || uncounted.seats === 0) return;
  await em.execute(
    `update event_sales set sold_seats = sold_seats - ?, revenue_minor = revenue_minor - ?, updated_at = now() where event_id = ?`,
    [uncounted.seats, uncounted.amount_minor, b.eventId],
  );
}
