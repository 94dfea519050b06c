// The routes of events and their prices (admins write, everyone reads what is published), including the lifecycle
// steps publish, cancel and complete, declared with every answer they give.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import {
  ADMIN_PROBLEMS,
  BAD_INPUT,
  MONEY_ROUTE_PROBLEMS,
  NEEDS_TOKEN,
  OPTIONAL_TOKEN,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { IDEMPOTENCY_PROBLEMS, idempotencyKeyDescription, idempotencyProblems } from '../../common/http/idempotency.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { EventsAccess } from './events.deps.ts';
import { EVENT_NOT_FOUND, STATE_CONFLICT } from './problems.ts';
import { IfNoneMatchSchema, NOT_MODIFIED, tagged } from './seats.routes.ts';
import {
  CancelSchema,
  EventInputSchema,
  EventPageSchema,
  EventPatchSchema,
  EventQuerySchema,
  EventSchema,
  IdParamSchema,
  PricesInputSchema,
} from './schemas.ts';

const tags = ['Events'];

export const createEventRoute = createRoute({
  method: 'post',
  path: '/events',
  tags,
  summary: 'Create an event at a venue, as a draft',
  ...NEEDS_TOKEN,
  request: {
    headers: idempotencyKeyHeader(idempotencyKeyDescription('A retry with the same key answers the draft it created.')),
    body: jsonBody(EventInputSchema),
  },
  responses: { 201: jsonAnswer(EventSchema, 'The draft'), ...IDEMPOTENCY_PROBLEMS, ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const listEventsRoute = createRoute({
  method: 'get',
  path: '/events',
  tags,
  summary: 'Events, soonest first',
  description: 'Everyone sees published events; an admin token also shows drafts, cancelled and completed events (filter with `status`).',
  ...OPTIONAL_TOKEN,
  request: { query: EventQuerySchema },
  responses: { 200: jsonAnswer(EventPageSchema, 'One page'), ...BAD_INPUT },
});

export const eventRoute = createRoute({
  method: 'get',
  path: '/events/{id}',
  tags,
  summary: 'One event with its prices',
  description:
    'Everyone sees a published event; an admin token also shows drafts. A published event may be kept a few seconds (`public, max-age=5`), a draft is `private`; a current `If-None-Match` is answered 304.',
  ...OPTIONAL_TOKEN,
  request: { params: IdParamSchema, headers: IfNoneMatchSchema },
  responses: { 200: tagged(jsonAnswer(EventSchema, 'The event')), ...NOT_MODIFIED, ...EVENT_NOT_FOUND, ...BAD_INPUT },
});

export const updateEventRoute = createRoute({
  method: 'patch',
  path: '/events/{id}',
  tags,
  summary: 'Change a draft or published event (title, description, dates, sales window)',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema, body: jsonBody(EventPatchSchema) },
  responses: { 200: jsonAnswer(EventSchema, 'The event'), ...EVENT_NOT_FOUND, ...STATE_CONFLICT, ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const setPricesRoute = createRoute({
  method: 'put',
  path: '/events/{id}/prices',
  tags,
  summary: "Set a draft's price tiers: one per section, in integer minor units",
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema, body: jsonBody(PricesInputSchema) },
  responses: {
    200: jsonAnswer(EventSchema, 'The event with its prices'),
    ...EVENT_NOT_FOUND,
    ...STATE_CONFLICT,
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

/** A lifecycle step: it answers the event after the step, or why the step is not allowed. */
function transitionRoute<Extra extends Record<number, ReturnType<typeof problemAnswer>>>(path: string, summary: string, extra: Extra) {
  return {
    method: 'post' as const,
    path,
    tags,
    summary,
    ...NEEDS_TOKEN,
    request: {
      params: IdParamSchema,
      headers: idempotencyKeyHeader(idempotencyKeyDescription('A retry with the same key answers the first step.')),
    },
    responses: {
      200: jsonAnswer(EventSchema, 'The event'),
      ...EVENT_NOT_FOUND,
      ...extra,
      // The step's own conflicts and those of the key share the 409.
      ...idempotencyProblems((extra[409] ?? STATE_CONFLICT[409]).description),
      ...ADMIN_PROBLEMS,
      ...BAD_INPUT,
    },
  };
}

export const publishEventRoute = createRoute(
  transitionRoute('/events/{id}/publish', 'Publish a draft: its seats go on sale in the sales window', {
    409: problemAnswer('Not a draft (EVENT_STATE_CONFLICT), or a section with seats has no price (UNPRICED_SECTIONS)'),
  }),
);

const cancelStep = transitionRoute(
  '/events/{id}/cancel',
  'Cancel a draft or published event: every hold is cancelled and every booking refunded (the event-cancellation saga)',
  { 503: MONEY_ROUTE_PROBLEMS[503] },
);
export const cancelEventRoute = createRoute({
  ...cancelStep,
  request: { ...cancelStep.request, body: { ...jsonBody(CancelSchema), required: false } },
});

export const completeEventRoute = createRoute(
  transitionRoute('/events/{id}/complete', 'Mark a published event as held (once it has started)', {
    409: problemAnswer('Not published (EVENT_STATE_CONFLICT), or not started yet (EVENT_NOT_STARTED)'),
  }),
);

export interface CatalogHandlers {
  createEvent: RouteHandler<typeof createEventRoute, AppEnv>;
  listEvents: RouteHandler<typeof listEventsRoute, AppEnv>;
  event: RouteHandler<typeof eventRoute, AppEnv>;
  updateEvent: RouteHandler<typeof updateEventRoute, AppEnv>;
  setPrices: RouteHandler<typeof setPricesRoute, AppEnv>;
  publishEvent: RouteHandler<typeof publishEventRoute, AppEnv>;
  cancelEvent: RouteHandler<typeof cancelEventRoute, AppEnv>;
  completeEvent: RouteHandler<typeof completeEventRoute, AppEnv>;
}

export function registerCatalogRoutes(app: ServiceApp, access: EventsAccess, handlers: CatalogHandlers): void {
  app.openapi({ ...createEventRoute, middleware: [...access.admin, access.idempotent] }, handlers.createEvent);
  app.openapi({ ...listEventsRoute, middleware: access.anyone }, handlers.listEvents);
  app.openapi({ ...eventRoute, middleware: access.anyone }, handlers.event);
  app.openapi({ ...updateEventRoute, middleware: access.admin }, handlers.updateEvent);
  app.openapi({ ...setPricesRoute, middleware: access.admin }, handlers.setPrices);
  app.openapi({ ...publishEventRoute, middleware: [...access.admin, access.idempotent] }, handlers.publishEvent);
  app.openapi({ ...cancelEventRoute, middleware: [...access.adminMoney, access.idempotent] }, handlers.cancelEvent);
  app.openapi({ ...completeEventRoute, middleware: [...access.admin, access.idempotent] }, handlers.completeEvent);
}
