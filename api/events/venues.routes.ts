// The venue routes of the events service, declared with every answer they give.
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
import { IdParamSchema, VenueInputSchema, VenueSchema } from './schemas.ts';

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
  responses: { 201: jsonAnswer(VenueSchema, 'The venue and its layout'), ...IDEMPOTENCY_PROBLEMS, ...ADMIN_PROBLEMS, ...BAD_INPUT },
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
  venue: RouteHandler<typeof venueRoute, AppEnv>;
}

export function registerVenueRoutes(app: ServiceApp, access: EventsAccess, handlers: VenueHandlers): void {
  app.openapi({ ...createVenueRoute, middleware: [...access.admin, access.idempotent] }, handlers.createVenue);
  app.openapi(venueRoute, handlers.venue);
}
