// The refund route (admins), declared with every answer it gives.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import {
  ADMIN_PROBLEMS,
  BAD_INPUT,
  NEEDS_TOKEN,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { idempotencyKeyDescription, idempotencyProblems } from '../../common/http/idempotency.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { PaymentsAccess } from './payments.deps.ts';
import { PAYMENT_NOT_FOUND } from './problems.ts';
import { IdParamSchema, PaymentSchema, RefundRequestSchema, RefundSchema } from './schemas.ts';

export const refundRoute = createRoute({
  method: 'post',
  path: '/payments/{id}/refunds',
  tags: ['Payments'],
  summary: 'Refund all or part of a payment (admins)',
  description:
    'Refunds together never exceed the captured amount; one that would is refused, even when two arrive at once. Send `Idempotency-Key` so a retry answers the first refund. ' +
    'A booking’s payment is refunded through its booking: a refund of all that is left cancels the booking (REFUNDED, its seats back on sale); a refund of part shows on the booking (`refundedMinor` and a history line) and leaves it CONFIRMED.',
  ...NEEDS_TOKEN,
  request: {
    params: IdParamSchema,
    headers: idempotencyKeyHeader(
      idempotencyKeyDescription(
        'A retry with the same key answers the first refund; the key also names the refund, so it is never made twice.',
      ),
    ),
    body: { ...jsonBody(RefundRequestSchema), required: false },
  },
  responses: {
    201: jsonAnswer(z.object({ refund: RefundSchema, payment: PaymentSchema }), 'The refund and the payment after it'),
    ...PAYMENT_NOT_FOUND,
    ...idempotencyProblems(
      'More than is left (REFUND_EXCEEDS_CAPTURED), a payment that never captured or is refunded already (PAYMENT_NOT_REFUNDABLE), a booking already cancelled (BOOKING_ALREADY_CANCELLED), a booking still being paid (BOOKING_NOT_SETTLED), or a booking whose payment had nothing left, now cancelled (NOTHING_LEFT_TO_REFUND)',
    ),
    503: problemAnswer(
      'The card gateway could not be reached, the refund is still under way or cannot be started (REFUND_PENDING, REFUND_FAILED, REFUND_NOT_RECORDED, REFUND_UNAVAILABLE, BOOKING_NOT_READ), or the session could not be confirmed (AUTH_UNAVAILABLE); retry with the same Idempotency-Key',
    ),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export type RefundHandler = RouteHandler<typeof refundRoute, AppEnv>;

export function registerRefundRoutes(app: ServiceApp, access: PaymentsAccess, handler: RefundHandler): void {
  app.openapi({ ...refundRoute, middleware: [...access.adminMoney, access.idempotent] }, handler);
}
