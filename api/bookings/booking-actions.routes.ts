// The routes that act on a booking through its saga, paying it and cancelling it, declared with every answer they give.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import {
  BAD_INPUT,
  IdParamSchema,
  MONEY_ROUTE_PROBLEMS,
  NEEDS_TOKEN,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { BookingSchema, CancelBodySchema, PaySchema } from './schemas.ts';

export const payRoute = createRoute({
  method: 'post',
  path: '/bookings/{id}/pay',
  tags: ['Bookings'],
  summary: 'Pay a HELD booking: CONFIRMED, or 402 with the decline code (it stays HELD until it expires)',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema, body: jsonBody(PaySchema) },
  responses: {
    200: jsonAnswer(BookingSchema, 'Paid and CONFIRMED'),
    402: problemAnswer('The payment was declined (CARD_DECLINED, INSUFFICIENT_FUNDS, …); the booking stays HELD'),
    404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
    409: problemAnswer(
      'The booking is not HELD (BOOKING_NOT_HELD), or the hold lapsed while paying and the money was refunded (SEATS_NO_LONGER_HELD)',
    ),
    ...MONEY_ROUTE_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const cancelRoute = createRoute({
  method: 'post',
  path: '/bookings/{id}/cancel',
  tags: ['Bookings'],
  summary: 'Cancel a booking: before payment the seats are released; after confirmation it is refunded and the seats return to sale',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema, body: { ...jsonBody(CancelBodySchema), required: false } },
  responses: {
    200: jsonAnswer(BookingSchema, 'The booking after cancellation'),
    202: jsonAnswer(BookingSchema, 'The refund is under way; the booking shows the outcome soon'),
    404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
    409: problemAnswer('The booking cannot be cancelled now (BOOKING_NOT_CANCELLABLE)'),
    ...MONEY_ROUTE_PROBLEMS,
    ...BAD_INPUT,
  },
});

export interface BookingActionHandlers {
  pay: RouteHandler<typeof payRoute, AppEnv>;
  cancel: RouteHandler<typeof cancelRoute, AppEnv>;
}

export function registerBookingActionRoutes(app: ServiceApp, access: BookingsAccess, handlers: BookingActionHandlers): void {
  app.openapi({ ...payRoute, middleware: access.money }, handlers.pay);
  app.openapi({ ...cancelRoute, middleware: access.money }, handlers.cancel);
}
