// The venue routes of the events service (create, change the details, read), declared with every answer they give.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { IDEMPOTENCY_PROBLEMS, idempotencyKeyDescription } from '../../common/http/idempotency.ts';
import {
  ADMIN_PROBLEMS,
  BAD_INPUT,
  NEEDS_TOKEN,
  PUBLIC,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { EventsAccess } from './events.deps.ts';
import { IdParamSchema, VenueInputSchema, VenuePatchSchema, VenueSchema } from './schemas.ts';

export const createVenueRoute = createRoute({
  method: 'post',
  path: '/venues',
  tags: ['Venues'],
  summary: 'Create a venue with its whole seat layout',
  description:
    'Sections, rows and seats in one request. Seat labels are "<row>-<number>"; duplicates, empty rows or sections, and unknown accessible or blocked labels are refused with the fields at fault.',
  ...NEEDS_TOKEN,
  request: {
    headers: idempotencyKeyHeader(idempotencyKeyDescription('A retry with the same key answers the venue it created.')),
    body: jsonBody(VenueInputSchema),
  },
  responses: {
    201: jsonAnswer(VenueSchema, 'The venue and its layout'),
    ...IDEMPOTENCY_PROBLEMS,
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
    422: problemAnswer(
      'The request is not valid (VALIDATION_FAILED, with the offending fields), or the time zone is not an IANA time zone this service knows (VENUE_TIME_ZONE_INVALID, with the field)',
    ),
  },
});

export const updateVenueRoute = createRoute({
  method: 'patch',
  path: '/venues/{id}',
  tags: ['Venues'],
  summary: 'Change a venue’s name, city, address or time zone',
  description:
    'The seat layout cannot change (events are priced and sold on it). Each published event at the venue publishes ' +
    'event.updated with the new details, so tickets and emails show them.',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema, body: jsonBody(VenuePatchSchema) },
  responses: {
    200: jsonAnswer(VenueSchema, 'The venue as it is now'),
    404: problemAnswer('No venue with this id (VENUE_NOT_FOUND)'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
    422: problemAnswer(
      'The request is not valid (VALIDATION_FAILED, with the offending fields), or the time zone is not an IANA time zone this service knows (VENUE_TIME_ZONE_INVALID, with the field)',
    ),
  },
});

export const venueRoute = createRoute({
  method: 'get',
  path: '/venues/{id}',
  tags: ['Venues'],
  summary: 'A venue and its seat layout',
  ...PUBLIC,
  request: { params: IdParamSchema },
  responses: { 200: jsonAnswer(VenueSchema, 'The venue'), 404: problemAnswer('No venue with this id (VENUE_NOT_FOUND)'), ...BAD_INPUT },
});

export interface VenueHandlers {
  createVenue: RouteHandler<typeof createVenueRoute, AppEnv>;
  updateVenue: RouteHandler<typeof updateVenueRoute, AppEnv>;
  venue: RouteHandler<typeof venueRoute, AppEnv>;
}

export function registerVenueRoutes(app: ServiceApp, access: EventsAccess, handlers: VenueHandlers): void {
  app.openapi({ ...createVenueRoute, middleware: [...access.admin, access.idempotent] }, handlers.createVenue);
  app.openapi({ ...updateVenueRoute, middleware: access.admin }, handlers.updateVenue);
  app.openapi(venueRoute, handlers.venue);
}
