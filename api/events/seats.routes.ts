// The seat routes of a published event: the seat map and the availability counts, declared with every answer they give.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, OPTIONAL_TOKEN, jsonAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { EventsAccess } from './events.deps.ts';
import { EVENT_NOT_FOUND, NOT_PUBLISHED } from './problems.ts';
import { AvailabilitySchema, IdParamSchema, SeatMapSchema } from './schemas.ts';

export const seatMapRoute = createRoute({
  method: 'get',
  path: '/events/{id}/seats',
  tags: ['Seats'],
  summary: 'The seat map: every seat with its seatId, label, section, price and status now',
  ...OPTIONAL_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(SeatMapSchema, 'The seats; an expired hold reads as available'),
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
  ...OPTIONAL_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(AvailabilitySchema, 'The counts'),
    ...EVENT_NOT_FOUND,
    ...NOT_PUBLISHED,
    ...BAD_INPUT,
  },
});

export interface SeatHandlers {
  seatMap: RouteHandler<typeof seatMapRoute, AppEnv>;
  availability: RouteHandler<typeof availabilityRoute, AppEnv>;
}

export function registerSeatRoutes(app: ServiceApp, access: EventsAccess, handlers: SeatHandlers): void {
  app.openapi({ ...seatMapRoute, middleware: access.anyone }, handlers.seatMap);
  app.openapi({ ...availabilityRoute, middleware: access.anyone }, handlers.availability);
}
