// The booking record routes: a customer's bookings (admins: everyone's) and one booking with its history.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, IdParamSchema, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, problemAnswer } from '../../common/http/openapi.ts';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { BOOKING_STATUSES } from '../../entities/bookings/booking.entity.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { BookingDetailSchema, BookingSchema } from './schemas.ts';

export const listBookingsRoute = createRoute({
  method: 'get',
  path: '/bookings',
  tags: ['Bookings'],
  summary: 'My bookings, newest first (admins: everyone’s)',
  ...NEEDS_TOKEN,
  request: { query: PageQuerySchema.extend({ status: z.enum(BOOKING_STATUSES).optional(), eventId: z.uuid().optional() }) },
  responses: { 200: jsonAnswer(pageOf(BookingSchema).openapi('BookingPage'), 'One page'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export const bookingRoute = createRoute({
  method: 'get',
  path: '/bookings/{id}',
  tags: ['Bookings'],
  summary: 'One booking: seats, amounts, status, expiry, payment, its full history and its saga',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(BookingDetailSchema, 'The booking'),
    404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export interface BookingRecordHandlers {
  listBookings: RouteHandler<typeof listBookingsRoute, AppEnv>;
  booking: RouteHandler<typeof bookingRoute, AppEnv>;
}

export function registerBookingRecordRoutes(app: ServiceApp, access: BookingsAccess, handlers: BookingRecordHandlers): void {
  app.openapi({ ...listBookingsRoute, middleware: access.signedIn }, handlers.listBookings);
  app.openapi({ ...bookingRoute, middleware: access.signedIn }, handlers.booking);
}
