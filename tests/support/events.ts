// Events on sale for tests, made through the domain operations themselves.
import { randomUUID } from 'node:crypto';
import { createEvent, publishEvent, setPriceTiers, type EventsContext } from '../../domain/events/events.ts';
import { createVenue, type SectionLayout } from '../../domain/events/venues.ts';
import type { Orm } from '../../common/db/orm.ts';

export function eventsCtx(orm: Orm): EventsContext {
  return { orm, published: () => undefined };
}

export interface TestEvent {
  eventId: string;
  venueId: string;
  sections: { id: string; name: string; seatIds: string[] }[];
  /** Every sellable seat id, in layout order. */
  seatIds: string[];
}

/** A published event on sale now, at a new venue with the given sections (default: one section of 10 rows × 10). */
export async function eventOnSale(
  ctx: EventsContext,
  sections: SectionLayout[] = [
    { name: 'Stalls', rows: Array.from({ length: 10 }, (_, i) => ({ label: String.fromCharCode(65 + i), seats: 10 })) },
  ],
  prices: number[] = sections.map((_, i) => 5_000 - i * 1_000),
): Promise<TestEvent> {
  const layout = await createVenue(ctx.orm.em.fork(), { name: `Venue ${randomUUID().slice(0, 8)}`, sections });
  const event = await createEvent(ctx, {
    venueId: layout.venue.id,
    title: `Test event ${randomUUID().slice(0, 8)}`,
    startsAt: new Date(Date.now() + 30 * 86_400_000),
  });
  await setPriceTiers(
    ctx,
    event.id,
    'EUR',
    layout.sections.map((s, i) => ({ sectionId: s.id, name: s.name, priceMinor: prices[i]! })),
  );
  await publishEvent(ctx, event.id);
  const described = layout.sections.map((s) => ({
    id: s.id,
    name: s.name,
    seatIds: s.seats.filter((seat) => !seat.blocked).map((seat) => seat.id),
  }));
  return { eventId: event.id, venueId: layout.venue.id, sections: described, seatIds: described.flatMap((s) => s.seatIds) };
}
