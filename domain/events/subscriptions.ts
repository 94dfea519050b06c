// The events service's projection: sold seats and revenue per event, from booking facts.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import type { EnvelopeOf } from '../../contracts/envelope.ts';
import { bookingCancelledV1, bookingConfirmedV1 } from '../../contracts/bookings.ts';

export function salesSubscription(): Omit<Subscription, 'purpose'> {
  return { handlers: [on(bookingConfirmedV1, countSale), on(bookingCancelledV1, uncountSale)] };
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
  // Only a booking that was counted as sold is taken off again (a hold cancelled before payment never was).
  const uncounted = await em.execute<{ seats: number; amount_minor: number }[]>(
    `update sales_booking set cancelled = true where booking_id = ? and not cancelled returning seats, amount_minor`,
    [b.bookingId],
  );
  if (uncounted.length === 0) {
    // Cancelled before its confirmation arrived (or never confirmed): a marker keeps a late confirmation from counting.
    await em.execute(
      `insert into sales_booking (booking_id, event_id, seats, amount_minor, cancelled) values (?, ?, 0, 0, true) on conflict do nothing`,
      [b.bookingId, b.eventId],
    );
    return;
  }
  await em.execute(
    `update event_sales set sold_seats = sold_seats - ?, revenue_minor = revenue_minor - ?, updated_at = now() where event_id = ?`,
    [uncounted[0]!.seats, uncounted[0]!.amount_minor, b.eventId],
  );
}
