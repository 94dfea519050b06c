// Events on sale for the figures: a venue of their own (sections of rows of 20 seats), one price per section,
// published, and known to the bookings service before any hold is sent.
import { randomUUID } from 'node:crypto';
import { createEvent, publishEvent, setPriceTiers } from '../../../domain/events/events.ts';
import { createVenue } from '../../../domain/events/venues.ts';
import type { Platform } from '../../chaos/processes.ts';

export interface BenchEvent {
  eventId: string;
  sections: { sectionId: string; seatIds: string[] }[];
  seatIds: string[];
}

const ROW = 20;

/** An event with `seats` seats in sections of at most `perSection` seats, on sale now. */
export async function eventOnSale(platform: Platform, seats: number, perSection = seats): Promise<BenchEvent> {
  const ctx = { orm: platform.orms.events, published: () => undefined };
  const sizes: number[] = [];
  for (let left = seats; left > 0; left -= perSection) sizes.push(Math.min(perSection, left));
  const tag = randomUUID().slice(0, 8);
  const layout = await createVenue(platform.orms.events.em.fork(), {
    name: `Bench venue ${tag}`,
    sections: sizes.map((size, s) => ({
      name: `Section ${s + 1}`,
      rows: Array.from({ length: Math.ceil(size / ROW) }, (_, r) => ({
        label: `R${r + 1}`,
        seats: Math.min(ROW, size - r * ROW),
      })),
    })),
  });
  const event = await createEvent(ctx, {
    venueId: layout.venue.id,
    title: `Bench event ${tag}`,
    startsAt: new Date(Date.now() + 30 * 86_400_000),
  });
  await setPriceTiers(
    ctx,
    event.id,
    'EUR',
    layout.sections.map((s) => ({ sectionId: s.id, name: s.name, priceMinor: 4_500 })),
  );
  await publishEvent(ctx, event.id);
  // The bookings service learns of the event from its facts; a hold before that is refused.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const known = await platform.orms.bookings.em.fork().execute('select 1 from event_catalog where event_id = ?', [event.id]);
    if (known.length) break;
    if (Date.now() > deadline) throw new Error(`the bookings service did not learn of event ${event.id} within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const sections = layout.sections.map((s) => ({
    sectionId: s.id,
    seatIds: s.seats.filter((seat) => !seat.blocked).map((seat) => seat.id),
  }));
  return { eventId: event.id, sections, seatIds: sections.flatMap((s) => s.seatIds) };
}
