// The routes that read payments: a customer's own (admins: everyone's), each with its gateway calls and refunds.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import type { PaymentsAccess } from './payments.deps.ts';
import { PAYMENT_NOT_FOUND } from './problems.ts';
import { IdParamSchema, PaymentDetailSchema, PaymentPageSchema, PaymentQuerySchema } from './schemas.ts';

export const listPaymentsRoute = createRoute({
  method: 'get',
  path: '/payments',
  tags: ['Payments'],
  summary: 'My payments, newest first (admins: everyone’s)',
  ...NEEDS_TOKEN,
  request: { query: PaymentQuerySchema },
  responses: { 200: jsonAnswer(PaymentPageSchema, 'One page'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export const paymentRoute = createRoute({
  method: 'get',
  path: '/payments/{id}',
  tags: ['Payments'],
  summary: 'One payment with every gateway call and refund',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: { 200: jsonAnswer(PaymentDetailSchema, 'The payment'), ...PAYMENT_NOT_FOUND, ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export interface PaymentRecordHandlers {
  listPayments: RouteHandler<typeof listPaymentsRoute, AppEnv>;
  payment: RouteHandler<typeof paymentRoute, AppEnv>;
}

export function registerPaymentRecordRoutes(app: ServiceApp, access: PaymentsAccess, handlers: PaymentRecordHandlers): void {
  app.openapi({ ...listPaymentsRoute, middleware: access.signedIn }, handlers.listPayments);
  app.openapi({ ...paymentRoute, middleware: access.signedIn }, handlers.payment);
}
