// The live availability route (server-sent events), declared with every answer it gives.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, OPTIONAL_TOKEN } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { EventsAccess } from './events.deps.ts';
import { EVENT_NOT_FOUND, NOT_PUBLISHED } from './problems.ts';
import { IdParamSchema } from './schemas.ts';

export const availabilityStreamRoute = createRoute({
  method: 'get',
  path: '/events/{id}/availability/stream',
  tags: ['Seats'],
  summary: 'Live availability (server-sent events)',
  ...OPTIONAL_TOKEN,
  description:
    'First a `snapshot` message (the counts and every seat status), then one `change` message per change made by any instance of the service: `{ eventId, seats: [{ seatId, status }], availability }`. A `snapshot` is sent again whenever changes may have been missed.',
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...EVENT_NOT_FOUND,
    ...NOT_PUBLISHED,
    ...BAD_INPUT,
  },
});

export type AvailabilityStreamHandler = RouteHandler<typeof availabilityStreamRoute, AppEnv>;

export function registerAvailabilityStreamRoute(app: ServiceApp, access: EventsAccess, handler: AvailabilityStreamHandler): void {
  app.openapi({ ...availabilityStreamRoute, middleware: access.anyone }, handler);
}
