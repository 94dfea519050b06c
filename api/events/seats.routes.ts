// The seat routes of a published event: the seat map and the availability counts, declared with every answer they give.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, OPTIONAL_TOKEN, jsonAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { EventsAccess } from './events.deps.ts';
import { EVENT_NOT_FOUND, NOT_PUBLISHED } from './problems.ts';
import { AvailabilitySchema, CompactSeatMapSchema, IdParamSchema, SeatMapSchema } from './schemas.ts';

const tagHeaders = {
  etag: {
    description: 'The tag of this answer; send it back in If-None-Match to be answered 304 while it is current',
    schema: { type: 'string' as const },
  },
  'cache-control': { description: 'How long the answer may be kept and by whom', schema: { type: 'string' as const } },
};

/** A read served from memory: tagged, and answered 304 when the client's tag is current. */
export function tagged<T extends ReturnType<typeof jsonAnswer>>(answer: T) {
  return { ...answer, headers: tagHeaders };
}

export const IfNoneMatchSchema = z.object({
  'if-none-match': z
    .string()
    .max(2_000)
    .optional()
    .openapi({ param: { name: 'if-none-match', in: 'header' }, description: 'The ETag of a copy the client holds' }),
});

export const NOT_MODIFIED = {
  304: { description: 'Not modified: the copy the client holds (If-None-Match) is current', headers: tagHeaders },
};

/** The compact seat map with the venue it is of: what the event page needs besides the event, in one answer. */
export const CompactSeatMapAnswerSchema = CompactSeatMapSchema.extend({
  venue: z
    .object({ id: z.uuid(), name: z.string(), city: z.string().nullable(), address: z.string().nullable() })
    .openapi('SeatMapVenue', { description: 'The venue the seats are at: its name and where it is, without its seat layout' }),
}).openapi('CompactSeatMapWithVenue');

export const seatMapRoute = createRoute({
  method: 'get',
  path: '/events/{id}/seats',
  tags: ['Seats'],
  summary: 'The seat map: every seat with its seatId, label, section, price and status now',
  description: 'Live data: caches must revalidate (`no-cache`); a current `If-None-Match` is answered 304.',
  ...OPTIONAL_TOKEN,
  request: { params: IdParamSchema, headers: IfNoneMatchSchema },
  responses: {
    200: tagged(jsonAnswer(SeatMapSchema, 'The seats; an expired hold reads as available')),
    ...NOT_MODIFIED,
    ...EVENT_NOT_FOUND,
    ...NOT_PUBLISHED,
    ...BAD_INPUT,
  },
});

export const compactSeatMapRoute = createRoute({
  method: 'get',
  path: '/events/{id}/seats/compact',
  tags: ['Seats'],
  summary: 'The seat map in compact form: per section and row, the seat ids and one status letter per seat; and its venue',
  description:
    'The same seats as `/events/{id}/seats`, a fraction of its size at large venues, with the venue’s name and address (so a page showing the map needs no venue layout). Live data: caches must revalidate; a current `If-None-Match` is answered 304.',
  ...OPTIONAL_TOKEN,
  request: { params: IdParamSchema, headers: IfNoneMatchSchema },
  responses: {
    200: tagged(jsonAnswer(CompactSeatMapAnswerSchema, 'The seats by section and row, and the venue; an expired hold reads as available')),
    ...NOT_MODIFIED,
    ...EVENT_NOT_FOUND,
    ...NOT_PUBLISHED,
    ...BAD_INPUT,
  },
});

export const availabilityRoute = createRoute({
  method: 'get',
  path: '/events/{id}/availability',
  tags: ['Seats'],
  summary: 'Seats per section and price tier: total, available, held, sold',
  description: 'Live data: caches must revalidate (`no-cache`); a current `If-None-Match` is answered 304.',
  ...OPTIONAL_TOKEN,
  request: { params: IdParamSchema, headers: IfNoneMatchSchema },
  responses: {
    200: tagged(jsonAnswer(AvailabilitySchema, 'The counts')),
    ...NOT_MODIFIED,
    ...EVENT_NOT_FOUND,
    ...NOT_PUBLISHED,
    ...BAD_INPUT,
  },
});

export interface SeatHandlers {
  seatMap: RouteHandler<typeof seatMapRoute, AppEnv>;
  compactSeatMap: RouteHandler<typeof compactSeatMapRoute, AppEnv>;
  availability: RouteHandler<typeof availabilityRoute, AppEnv>;
}

export function registerSeatRoutes(app: ServiceApp, access: EventsAccess, handlers: SeatHandlers): void {
  app.openapi({ ...seatMapRoute, middleware: access.anyone }, handlers.seatMap);
  app.openapi({ ...compactSeatMapRoute, middleware: access.anyone }, handlers.compactSeatMap);
  app.openapi({ ...availabilityRoute, middleware: access.anyone }, handlers.availability);
}
