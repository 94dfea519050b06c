// An event's on-sale settings (/events/{id}/on-sale): admins set the opening, the waiting room, the admission rate and
// length and the seats per admission; anyone reads them.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole } from '../../common/auth/middleware.ts';
import { ADMIN_PROBLEMS, BAD_INPUT, NEEDS_TOKEN, PUBLIC, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { AUTO_RATE } from '../../workflows/on-sale-messages.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { retryAfterProblemAnswer } from './schemas.ts';

export const EventParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The event' }) });

const RATE_DESCRIPTION =
  `Admissions per minute, or "auto": ${AUTO_RATE.start}/min for the first minute after the opening, then twice the admissions ` +
  `used (holds made) over the last minute, between ${AUTO_RATE.min} and ${AUTO_RATE.max}/min. Either way no more customers ` +
  'are admitted at once than seats are free.';

export const OnSaleChangeSchema = z
  .object({
    opensAt: z.iso.datetime({ offset: true }).openapi({ example: '2026-12-24T10:00:00Z', description: 'When the sale opens' }),
    waitingRoom: z.boolean().openapi({
      description: 'Whether customers queue: while on, a hold (POST /bookings) of this event needs an admission from the queue',
    }),
    admissionRatePerMinute: z
      .union([z.number().int().min(1).max(100_000), z.literal('auto')])
      .default('auto')
      .openapi({ description: RATE_DESCRIPTION }),
    admissionTtlSeconds: z
      .number()
      .int()
      .min(2)
      .max(86_400)
      .default(600)
      .openapi({ description: 'How long an admission lasts: its customer must start a hold within it' }),
    maxSeatsPerCustomer: z
      .number()
      .int()
      .min(1)
      .max(50)
      .nullable()
      .default(null)
      .openapi({ description: 'Seats one admission may hold; null leaves the platform’s limit per customer' }),
    joinsPerAddressPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(30)
      .openapi({ description: 'Joins one client address may make per minute on one bookings instance (raise it for shared addresses)' }),
  })
  .openapi('OnSaleChange');

export const OnSaleSchema = z
  .object({
    eventId: z.uuid(),
    opensAt: z.iso.datetime(),
    waitingRoom: z.boolean(),
    admissionRatePerMinute: z.union([z.number().int(), z.literal('auto')]),
    admissionTtlSeconds: z.number().int(),
    maxSeatsPerCustomer: z.number().int().nullable(),
    joinsPerAddressPerMinute: z.number().int(),
    currentRatePerMinute: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The rate the admitter admits at now; null before the opening' }),
    openedAt: z.iso.datetime().nullable().openapi({ description: 'When the admitter drew the pre-queue’s order' }),
    soldOutAt: z.iso.datetime().nullable(),
    updatedAt: z.iso.datetime(),
    admitterWorkflowId: z.string().openapi({
      description:
        'The id of the event’s admitter workflow, on-sale-<eventId>, whatever its state: it runs from the PUT that turns the waiting room on until the event sells out, its sale is over or the waiting room is turned off, and then stays in Temporal’s history (its result and progress); with the waiting room never on there is none',
    }),
  })
  .openapi('OnSale');

export const putOnSaleRoute = createRoute({
  method: 'put',
  path: '/events/{id}/on-sale',
  tags: ['Admin: on-sale'],
  summary: 'Set an event’s on-sale: opening, waiting room, admission rate and length, seats per admission (admins)',
  description:
    'Saves the settings (they apply to the next admission, hold or join; other bookings instances see them within 2 s) and, with the waiting room on, starts the event’s admitter workflow `on-sale-<eventId>` or wakes the running one with them. ' +
    'Before `opensAt` customers join a pre-queue; at the opening the admitter puts it in a random order and admits at the rate, within the free seats; later arrivals queue behind in arrival order. An opening already made is not undone by a later `opensAt`, and a sold-out sale stays sold out.',
  ...NEEDS_TOKEN,
  request: { params: EventParam, body: jsonBody(OnSaleChangeSchema) },
  responses: {
    200: jsonAnswer(OnSaleSchema, 'The settings saved'),
    404: problemAnswer('No event with this id has reached the bookings service (EVENT_NOT_FOUND)'),
    409: problemAnswer('The event is cancelled or completed (EVENT_NOT_ON_SALE)'),
    503: retryAfterProblemAnswer(
      'The admitter could not be started or told (ADMITTER_UNAVAILABLE, with Retry-After): the settings are saved; send them again',
    ),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const getOnSaleRoute = createRoute({
  method: 'get',
  path: '/events/{id}/on-sale',
  tags: ['On-sale'],
  summary: 'An event’s on-sale settings and its state',
  ...PUBLIC,
  request: { params: EventParam },
  responses: {
    200: jsonAnswer(OnSaleSchema, 'The settings'),
    404: problemAnswer('The event has no on-sale settings (ON_SALE_NOT_SET)'),
    ...BAD_INPUT,
  },
});

export interface OnSaleHandlers {
  put: RouteHandler<typeof putOnSaleRoute, AppEnv>;
  get: RouteHandler<typeof getOnSaleRoute, AppEnv>;
}

export function registerOnSaleRoutes(app: ServiceApp, access: BookingsAccess, handlers: OnSaleHandlers): void {
  const admin = [...access.signedIn, requireRole('admin') as MiddlewareHandler];
  app.openapi({ ...putOnSaleRoute, middleware: admin }, handlers.put);
  app.openapi(getOnSaleRoute, handlers.get);
}
