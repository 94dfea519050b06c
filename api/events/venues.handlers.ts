// The venue routes' handlers: create a venue with its layout, change its details, read one back.
import { HttpProblem } from '../../common/http/problem.ts';
import type { EventsContext } from '../../domain/events/events.ts';
import { canonicalTimeZone, createVenue, getVenueLayout, updateVenue } from '../../domain/events/venues.ts';
import { venueInput, venueView } from './schemas.ts';
import type { VenueHandlers } from './venues.routes.ts';

/** An unknown zone is refused as the request's fault before anything is written (400, with the field). */
function checkTimeZone(zone: string | undefined): void {
  if (zone === undefined || canonicalTimeZone(zone)) return;
  throw new HttpProblem(422, 'VENUE_TIME_ZONE_INVALID', `"${zone}" is not an IANA time zone (such as Europe/Berlin).`, [
    { field: 'timeZone', message: 'not a known IANA time zone' },
  ]);
}

export function venueHandlers(ctx: EventsContext): VenueHandlers {
  const em = () => ctx.orm.em.fork();
  return {
    createVenue: async (c) => {
      const body = c.req.valid('json');
      checkTimeZone(body.timeZone);
      return c.json(venueView(await createVenue(em(), venueInput(body))), 201);
    },
    updateVenue: async (c) => {
      const body = c.req.valid('json');
      checkTimeZone(body.timeZone);
      const change = { name: body.name, city: body.city, address: body.address, timeZone: body.timeZone };
      return c.json(venueView(await updateVenue(ctx, c.req.valid('param').id, change)), 200);
    },
    venue: async (c) => c.json(venueView(await getVenueLayout(em(), c.req.valid('param').id)), 200),
  };
}
