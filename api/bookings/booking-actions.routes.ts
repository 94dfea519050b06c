// The routes that act on a booking through its saga, paying it and cancelling it, declared with every answer they give.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import {
  BAD_INPUT,
  IdParamSchema,
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
import { FREE_GATEWAY } from '../../workflows/booking-types.ts';
import { BookingSchema, CancelBodySchema, PaySchema, outcomePendingAnswer } from './schemas.ts';

export const payRoute = createRoute({
  method: 'post',
  path: '/bookings/{id}/pay',
  tags: ['Bookings'],
  summary: 'Pay a HELD booking: CONFIRMED, or 402 with the decline code (it stays HELD until it expires)',
  description:
    `A booking whose total is 0 is paid with gateway "${FREE_GATEWAY}" and no payment method: it is confirmed without a card and ` +
    'without any payment gateway (its paymentId stays null). "free" is not a payments-service gateway, so GET /payments/gateways ' +
    `does not list it. "${FREE_GATEWAY}" on a booking that costs something is refused (409 NOT_FREE), and so is a card gateway on ` +
    'a booking that costs nothing (409 BOOKING_IS_FREE): no gateway is asked to charge 0. Either refusal leaves the booking HELD ' +
    'and payable. A charge that cannot be completed is undone and answered 402 PAYMENT_FAILED; a payment that cannot be ' +
    'written on the booking is not attempted and answered 503 PAYMENT_NOT_RECORDED: in both cases the booking stays HELD and ' +
    'may be paid again.',
  ...NEEDS_TOKEN,
  request: {
    params: IdParamSchema,
    headers: idempotencyKeyHeader(
      idempotencyKeyDescription(
        'A retry with the same key answers the first payment: its outcome (CONFIRMED, the decline) even once the booking has moved on, never a 409 for its own success.',
        'join',
      ),
    ),
    body: jsonBody(PaySchema),
  },
  responses: {
    200: jsonAnswer(BookingSchema, 'Paid and CONFIRMED'),
    402: problemAnswer('The payment was declined (CARD_DECLINED, INSUFFICIENT_FUNDS, …); the booking stays HELD'),
    404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
    ...idempotencyProblems(
      'The booking is not HELD (BOOKING_NOT_HELD), or the hold lapsed while paying and the money was refunded (SEATS_NO_LONGER_HELD), ' +
        `or the gateway does not fit the total: "${FREE_GATEWAY}" on a paid booking (NOT_FREE), a card on a free one (BOOKING_IS_FREE)`,
      'join',
    ),
    ...MONEY_ROUTE_PROBLEMS,
    503: outcomePendingAnswer(
      'The session could not be confirmed (AUTH_UNAVAILABLE), or the payment could not be written on the booking and was not attempted (PAYMENT_NOT_RECORDED); retry. ' +
        'Or the saga did not answer in time (BOOKING_OUTCOME_PENDING, with Retry-After, Location and `booking`; its worker, Temporal or the card network slow or away): the payment may still complete; the booking’s status shows the outcome, and a retry with the same Idempotency-Key returns it',
    ),
    ...BAD_INPUT,
  },
});

export const cancelRoute = createRoute({
  method: 'post',
  path: '/bookings/{id}/cancel',
  tags: ['Bookings'],
  summary: 'Cancel a booking: before payment the seats are released; after confirmation it is refunded and the seats return to sale',
  description:
    'A customer cancels a confirmed booking within the event’s cancellation policy (`cancellation` on GET /bookings/{id}): ' +
    'until its deadline before the start, refunded the price less the fee and less any earlier refund. An admin may always ' +
    'cancel, and refunds all that is left. The policy in force when the cancel arrives applies. A customer who has sent a ' +
    'ticket of the booking to another account (an accepted transfer) may no longer cancel it (409 TICKETS_TRANSFERRED): the ' +
    'refund would go to them and void the receiver’s ticket; an admin still may.',
  ...NEEDS_TOKEN,
  request: {
    params: IdParamSchema,
    headers: idempotencyKeyHeader(
      idempotencyKeyDescription(
        'A retry with the same key answers the first cancellation: the booking as it left it (CANCELLED, REFUNDED), even once it has ended, never a 409 for its own success.',
        'join',
      ),
    ),
    body: { ...jsonBody(CancelBodySchema), required: false },
  },
  responses: {
    200: jsonAnswer(BookingSchema, 'The booking after cancellation'),
    202: jsonAnswer(BookingSchema, 'The refund is under way; the booking shows the outcome soon'),
    404: problemAnswer('No booking of yours (BOOKING_NOT_FOUND)'),
    ...idempotencyProblems(
      'The booking has ended or cannot be cancelled now (BOOKING_NOT_CANCELLABLE), the policy’s deadline has passed or the event has started (CANCELLATION_CLOSED), customers may not cancel this event’s bookings (CANCELLATION_NOT_ALLOWED), ' +
        'or a ticket of the booking has been sent to another account (TICKETS_TRANSFERRED: only an admin may cancel it then)',
      'join',
    ),
    ...MONEY_ROUTE_PROBLEMS,
    503: outcomePendingAnswer(
      'The session could not be confirmed (AUTH_UNAVAILABLE), or the event’s cancellation policy could not be read (POLICY_UNAVAILABLE); retry. ' +
        'Or the saga did not answer in time (BOOKING_OUTCOME_PENDING, with Retry-After, Location and `booking`): the cancellation may still complete; the booking’s status shows the outcome, and a retry with the same Idempotency-Key returns it',
    ),
    ...BAD_INPUT,
  },
});

export interface BookingActionHandlers {
  pay: RouteHandler<typeof payRoute, AppEnv>;
  cancel: RouteHandler<typeof cancelRoute, AppEnv>;
}

export function registerBookingActionRoutes(app: ServiceApp, access: BookingsAccess, handlers: BookingActionHandlers): void {
  app.openapi({ ...payRoute, middleware: [...access.money, access.idempotent] }, handlers.pay);
  app.openapi({ ...cancelRoute, middleware: [...access.money, access.idempotent] }, handlers.cancel);
}
