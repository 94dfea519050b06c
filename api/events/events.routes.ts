// The events service's routes, one module pair per resource: venues, events and their prices, seat maps and availability,
// and the live availability stream.
import type { ServiceApp } from '../../common/http/service-app.ts';
import { availabilityStreamHandler } from './availability-stream.handlers.ts';
import { registerAvailabilityStreamRoute } from './availability-stream.routes.ts';
import { catalogHandlers } from './catalog.handlers.ts';
import { registerCatalogRoutes } from './catalog.routes.ts';
import { claimHandlers } from './claims.handlers.ts';
import { registerClaimRoutes } from './claims.routes.ts';
import { eventsAccess, type EventsRouteDeps } from './events.deps.ts';
import { seatHandlers } from './seats.handlers.ts';
import { registerSeatRoutes } from './seats.routes.ts';
import { venueHandlers } from './venues.handlers.ts';
import { registerVenueRoutes } from './venues.routes.ts';

export type { EventsRouteDeps } from './events.deps.ts';

export function registerEventsRoutes(app: ServiceApp, deps: EventsRouteDeps): void {
  const access = eventsAccess(deps);
  registerVenueRoutes(app, access, venueHandlers(deps.ctx));
  registerCatalogRoutes(app, access, catalogHandlers(deps));
  registerSeatRoutes(app, access, seatHandlers(deps.seats));
  registerAvailabilityStreamRoute(app, access, availabilityStreamHandler(deps));
  registerClaimRoutes(app, claimHandlers(deps));
}
