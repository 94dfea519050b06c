// The venue routes' handlers: create a venue with its layout, read one back.
import type { EventsContext } from '../../domain/events/events.ts';
import { createVenue, getVenueLayout } from '../../domain/events/venues.ts';
import { venueInput, venueView } from './schemas.ts';
import type { VenueHandlers } from './venues.routes.ts';

export function venueHandlers(ctx: EventsContext): VenueHandlers {
  const em = () => ctx.orm.em.fork();
  return {
    createVenue: async (c) => c.json(venueView(await createVenue(em(), venueInput(c.req.valid('json')))), 201),
    venue: async (c) => c.json(venueView(await getVenueLayout(em(), c.req.valid('param').id)), 200),
  };
}
