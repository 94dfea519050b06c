// The hold route: a new booking starts its saga and answers with the seats held, declared with every answer it gives.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import {
  BAD_INPUT,
  MONEY_ROUTE_PROBLEMS,
  NEEDS_TOKEN,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { idempotencyKeyDescription, idempotencyProblems } from '../../common/http/idempotency.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { BookingSchema, NewBookingSchema } from './schemas.ts';

export const holdRoute = createRoute({
  method: 'post',
  path: '/bookings',
  tags: ['Bookings'],
  summary: 'Hold seats: named seats, or the best available in a section',
  description:
    'Starts the booking saga and answers with its hold: 201 HELD with seats, prices, total and `expiresAt`, or 409 naming the seats already taken. Pay before `expiresAt`. The same `Idempotency-Key` returns the same booking. When the seats cannot be held or the hold cannot be recorded (HOLD_FAILED, HOLD_NOT_RECORDED) the answer is 503 and nothing stays held.',
  ...NEEDS_TOKEN,
  request: {
    headers: idempotencyKeyHeader(
      idempotencyKeyDescription(
        'The same key returns the same booking, even after its record is gone (as 200 once the booking has moved on).',
      ),
    ),
    body: jsonBody(NewBookingSchema),
  },
  responses: {
    201: jsonAnswer(BookingSchema, 'The booking, HELD'),
    200: jsonAnswer(BookingSchema, 'An Idempotency-Key kept past its record, whose booking has moved on'),
    404: problemAnswer('No such event (EVENT_NOT_FOUND)'),
    ...idempotencyProblems(
      "Seats taken (SEATS_UNAVAILABLE), sales closed (EVENT_NOT_ON_SALE), too many seats held (HOLD_LIMIT_EXCEEDED), or the key's booking ended before it held any seats (BOOKING_KEY_SPENT: send a new key)",
    ),
    ...MONEY_ROUTE_PROBLEMS,
    503: problemAnswer(
      'The session could not be confirmed (AUTH_UNAVAILABLE), or the seats could not be held or the hold recorded (HOLD_FAILED, HOLD_NOT_RECORDED): nothing stays held; retry',
    ),
    ...BAD_INPUT,
  },
});

export type HoldHandler = RouteHandler<typeof holdRoute, AppEnv>;

export function registerHoldRoutes(app: ServiceApp, access: BookingsAccess, hold: HoldHandler): void {
  app.openapi({ ...holdRoute, middleware: [...access.money, access.idempotent] }, hold);
}
