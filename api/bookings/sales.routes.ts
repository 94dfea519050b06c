// The sales route (admins): an event's seats sold and held per section, revenue, refunds, bookings by status and the
// confirmed sales over time, from the bookings service's own records.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole } from '../../common/auth/middleware.ts';
import { ADMIN_PROBLEMS, BAD_INPUT, NEEDS_TOKEN, jsonAnswer, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { MAX_SALES_POINTS, SALES_BUCKETS } from '../../domain/bookings/sales.ts';
import { BOOKING_STATUSES } from '../../entities/bookings/booking.entity.ts';
import type { BookingsAccess } from './bookings.deps.ts';

const EventParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, description: 'The event' }) });
const BUCKETS = Object.keys(SALES_BUCKETS) as [keyof typeof SALES_BUCKETS, ...(keyof typeof SALES_BUCKETS)[]];

const SalesQuerySchema = z.object({
  bucket: z
    .enum(BUCKETS)
    .default('1h')
    .openapi({ param: { name: 'bucket', in: 'query' }, description: 'The width of one point of the sales series (UTC-aligned)' }),
});

const SectionSalesSchema = z
  .object({
    section: z.string(),
    sold: z.number().int().openapi({ description: 'Seats of confirmed bookings' }),
    held: z.number().int().openapi({ description: 'Seats of bookings held or being paid' }),
  })
  .openapi('SectionSales');

const SalesPointSchema = z
  .object({
    start: z.iso.datetime().openapi({ description: 'The start of the bucket' }),
    seats: z.number().int().openapi({ description: 'Seats of the bookings confirmed in it' }),
    revenueMinor: z.number().int().openapi({ description: 'Their amount, integer minor units of `currency`' }),
  })
  .openapi('SalesPoint');

export const EventSalesSchema = z
  .object({
    eventId: z.uuid(),
    currency: z.string().nullable().openapi({ description: 'The event’s currency; null before its first confirmed booking' }),
    sections: z.array(SectionSalesSchema).openapi({
      description: 'Sections with a seat sold or held; free seats are GET /events/{id}/availability’s to say',
    }),
    grossMinor: z.number().int().openapi({ description: 'Every booking ever confirmed, refunded later or not (minor units)' }),
    refundedMinor: z.number().int().openapi({ description: 'Refunded of those so far (minor units)' }),
    bookings: z.record(z.enum(BOOKING_STATUSES), z.number().int()).openapi({ description: 'Bookings by status, every status named' }),
    bucket: z.enum(BUCKETS),
    series: z.array(SalesPointSchema).openapi({
      description: `Confirmed sales per bucket, oldest first, empty buckets left out; at most the latest ${MAX_SALES_POINTS}`,
    }),
    workflowUiUrl: z
      .string()
      .openapi({ description: 'Append a booking’s workflowId (URL-encoded) to see its saga in the Temporal Web UI' }),
  })
  .openapi('EventSales');

export const salesRoute = createRoute({
  method: 'get',
  path: '/events/{id}/sales',
  tags: ['Admin: sales'],
  summary: 'An event’s sales: per section, revenue, refunds, bookings by status and over time (admins)',
  ...NEEDS_TOKEN,
  request: { params: EventParam, query: SalesQuerySchema },
  responses: {
    200: jsonAnswer(EventSalesSchema, 'The sales now'),
    404: problemAnswer('No event with this id has reached the bookings service (EVENT_NOT_FOUND)'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export interface SalesHandlers {
  sales: RouteHandler<typeof salesRoute, AppEnv>;
}

export function registerSalesRoutes(app: ServiceApp, access: BookingsAccess, handlers: SalesHandlers): void {
  const admin = [...access.signedIn, requireRole('admin') as MiddlewareHandler];
  app.openapi({ ...salesRoute, middleware: admin }, handlers.sales);
}
