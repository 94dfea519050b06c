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
    'Refunds together never exceed the captured amount; one that would is refused, even when two arrive at once. Send `Idempotency-Key` so a retry answers the first refund.',
  ...NEEDS_TOKEN,
  request: {
    params: IdParamSchema,
    headers: idempotencyKeyHeader('A replay with the same key answers the first refund'),
    body: { ...jsonBody(RefundRequestSchema), required: false },
  },
  responses: {
    201: jsonAnswer(z.object({ refund: RefundSchema, payment: PaymentSchema }), 'The refund and the payment after it'),
    ...PAYMENT_NOT_FOUND,
    409: problemAnswer('More than is left (REFUND_EXCEEDS_CAPTURED), or a payment that never captured (PAYMENT_NOT_REFUNDABLE)'),
    503: problemAnswer(
      'The card gateway could not be reached, or the session could not be confirmed (AUTH_UNAVAILABLE); retry with the same Idempotency-Key',
    ),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export type RefundHandler = RouteHandler<typeof refundRoute, AppEnv>;

export function registerRefundRoutes(app: ServiceApp, access: PaymentsAccess, handler: RefundHandler): void {
  app.openapi({ ...refundRoute, middleware: access.adminMoney }, handler);
}
