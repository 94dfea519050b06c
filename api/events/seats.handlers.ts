// The seat routes' handlers, and the availability counts the live stream sends too.
import type { EventsContext } from '../../domain/events/events.ts';
import { availability, seatMap, type SectionAvailability } from '../../domain/events/seats.ts';
import type { SeatHandlers } from './seats.routes.ts';
import { publishedEvent } from './visible-events.ts';

function totals(sections: SectionAvailability[]) {
  return sections.reduce(
    (sum, s) => ({ total: sum.total + s.total, available: sum.available + s.available, held: sum.held + s.held, sold: sum.sold + s.sold }),
    { total: 0, available: 0, held: 0, sold: 0 },
  );
}

/** Seats per section and price tier, with the totals over all sections. */
export async function availabilityOf(ctx: EventsContext, eventId: string) {
  const sections = await availability(ctx.orm.em.fork(), eventId);
  return { eventId, sections, totals: totals(sections) };
}

export function seatHandlers(ctx: EventsContext): SeatHandlers {
  return {
    seatMap: async (c) => {
      const event = await publishedEvent(ctx, c, c.req.valid('param').id);
      return c.json({ eventId: event.id, seats: await seatMap(ctx.orm.em.fork(), event.id) }, 200);
    },
    availability: async (c) => c.json(await availabilityOf(ctx, (await publishedEvent(ctx, c, c.req.valid('param').id)).id), 200),
  };
}
