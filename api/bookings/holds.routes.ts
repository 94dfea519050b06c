// The hold route: a new booking starts its saga and answers with the seats held, declared with every answer it gives.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { MONEY_ROUTE_PROBLEMS, NEEDS_TOKEN, idempotencyKeyHeader, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import { idempotencyKeyDescription, idempotencyProblems } from '../../common/http/idempotency.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { BookingsAccess } from './bookings.deps.ts';
import { BookingSchema, NewBookingSchema, outcomePendingAnswer } from './schemas.ts';

export const holdRoute = createRoute({
  method: 'post',
  path: '/bookings',
  tags: ['Bookings'],
  summary: 'Hold seats: named seats, or the best available in a section',
  description:
    'Claims the seats, then starts the booking saga with that hold and answers with it: 201 HELD with seats, prices, total and `expiresAt`, or 409 naming the seats already taken. ' +
    'A request that cannot be served (seats taken, sales closed, the limit reached, an unknown event) is refused at once and starts no booking. ' +
    'Pay before `expiresAt`. The same `Idempotency-Key` returns the same booking. When the seats cannot be held or the hold cannot be recorded (HOLD_FAILED, HOLD_NOT_RECORDED) the answer is 503 and nothing stays held. ' +
    'When the saga does not answer within its bound (20 s unless configured otherwise, below the gateway’s own timeout; its worker or Temporal away) the answer is 503 BOOKING_OUTCOME_PENDING with `Retry-After` and the booking in `Location`: the hold may still be made. ' +
    'A hold whose answer never reached the client is not lost: a retry with the same `Idempotency-Key` replays it (the same booking, from the same saga), and one nobody comes back for is released at its `expiresAt`, like any unpaid hold. ' +
    'A request without an `Idempotency-Key` whose client goes away before the answer (it disconnects, or the gateway gives up waiting) holds nothing: nobody could come back for it, so its seats are given back at once and its booking, if one started, is cancelled. ' +
    'When this process already has as many seat claims in flight as it may, the answer is 429 HOLDS_BUSY with `Retry-After`, at once; when the events service does not answer the claim within 10 s it is 503 SEAT_CLAIM_TIMEOUT with `Retry-After`. ' +
    'While the event’s waiting room is on (GET /events/{id}/on-sale), a hold needs `admissionToken`, this account’s admission for this event from GET /events/{id}/queue/me. The token is checked first: none, a forged one or another account’s or event’s is 403 ADMISSION_REQUIRED, a lapsed one 403 ADMISSION_EXPIRED, one that held already 403 ADMISSION_USED; then more seats than the on-sale’s `maxSeatsPerCustomer` is 422 ADMISSION_SEAT_LIMIT. ' +
    'The admission is used before any seat is claimed, once. A hold that comes to no booking (refused: SEATS_UNAVAILABLE, SEAT_NOT_FOUND, HOLD_LIMIT_EXCEEDED, EVENT_NOT_ON_SALE, HOLD_FAILED, …; HOLDS_BUSY, SEAT_CLAIM_TIMEOUT, BOOKING_KEY_SPENT, REQUEST_ABANDONED before its booking started, or a booking that could not be started) gives it back, so the hold may be tried again until the admission expires. ' +
    'A hold whose outcome is not known (BOOKING_OUTCOME_PENDING) keeps it for its booking: a retry with the same `Idempotency-Key` answers that booking, after the admission’s expiry too, and a key whose booking exists needs no admission at all.',
  ...NEEDS_TOKEN,
  request: {
    headers: idempotencyKeyHeader(
      idempotencyKeyDescription(
        'The same key returns the same booking, even after its record is gone (as 200 once the booking has moved on).',
        'join',
      ),
    ),
    body: jsonBody(NewBookingSchema),
  },
  responses: {
    201: jsonAnswer(BookingSchema, 'The booking, HELD'),
    200: jsonAnswer(BookingSchema, 'An Idempotency-Key kept past its record, whose booking has moved on'),
    404: problemAnswer('No such event (EVENT_NOT_FOUND)'),
    ...idempotencyProblems(
      "Seats taken (SEATS_UNAVAILABLE), sales closed (EVENT_NOT_ON_SALE), too many seats held (HOLD_LIMIT_EXCEEDED), the key's booking gave its seats up (HOLD_RELEASED) or ended before it held any seats (BOOKING_KEY_SPENT: send a new key). " +
        'REQUEST_ABANDONED is the answer to a request without a key whose client went away first: nothing was held for it',
      'join',
    ),
    ...MONEY_ROUTE_PROBLEMS,
    403: problemAnswer(
      'The event’s waiting room is on and the hold has no valid admission of this account: none or not valid (ADMISSION_REQUIRED), lapsed (ADMISSION_EXPIRED) or used already (ADMISSION_USED)',
    ),
    503: outcomePendingAnswer(
      'The session could not be confirmed (AUTH_UNAVAILABLE), or the seats could not be held or the hold recorded (HOLD_FAILED, HOLD_NOT_RECORDED): nothing stays held; retry. ' +
        'Or the saga did not answer in time (BOOKING_OUTCOME_PENDING, with Retry-After, Location and `booking`): the hold may still be made; its booking shows it, and a retry with the same Idempotency-Key returns it. ' +
        'Or the events service did not answer the seat claim within 10 s (SEAT_CLAIM_TIMEOUT, with Retry-After): no booking started; without an Idempotency-Key nothing stays held, with one a retry gets the hold if it was made',
    ),
    429: problemAnswer(
      'Too many holds are being claimed by this bookings process right now (HOLDS_BUSY, with Retry-After): nothing was held and no booking started; retry',
    ),
    422: problemAnswer(
      'The request is not valid (VALIDATION_FAILED, with the offending fields; SEAT_NOT_FOUND for a seat the event does not have), or asks an admission for more seats than the on-sale’s `maxSeatsPerCustomer` (ADMISSION_SEAT_LIMIT)',
    ),
  },
});

export type HoldHandler = RouteHandler<typeof holdRoute, AppEnv>;

export function registerHoldRoutes(app: ServiceApp, access: BookingsAccess, hold: HoldHandler): void {
  app.openapi({ ...holdRoute, middleware: [...access.money, access.idempotent] }, hold);
}
