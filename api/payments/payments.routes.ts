// The payments service's routes: the configured gateways, a customer's own payments (admins: all), refunds by admins.
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { authenticate, principalOf, requireRole, sessionOpen } from '../../common/auth/middleware.ts';
import type { SessionCheck } from '../../common/auth/sessions.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import {
  ADMIN_PROBLEMS,
  BAD_INPUT,
  IdParamSchema,
  NEEDS_TOKEN,
  TOKEN_PROBLEMS,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import type { ServiceApp } from '../../common/http/service-app.ts';
import { listPayments, paymentDetail, refund, type PaymentsContext } from '../../domain/payments/payments.ts';
import { PAYMENT_STATUSES, type PaymentRow, type PaymentTransactionRow, type RefundRow } from '../../entities/payments/payment.entity.ts';

const PaymentSchema = z
  .object({
    id: z.uuid(),
    bookingId: z.uuid(),
    customerId: z.uuid(),
    amountMinor: z.number().int().openapi({ description: 'Integer minor units of currency' }),
    currency: z.string(),
    gateway: z.string(),
    gatewayReference: z.string().nullable(),
    status: z.enum(PAYMENT_STATUSES),
    capturedMinor: z.number().int(),
    refundedMinor: z.number().int(),
    failureCode: z.string().nullable().openapi({ description: 'Why it failed, e.g. CARD_DECLINED, INSUFFICIENT_FUNDS' }),
    failureMessage: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Payment');

const RefundSchema = z
  .object({
    id: z.uuid(),
    amountMinor: z.number().int(),
    reason: z.string().nullable(),
    status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']),
    gatewayReference: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Refund');

const TransactionSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['charge', 'refund', 'void']),
    amountMinor: z.number().int(),
    outcome: z.enum(['pending', 'succeeded', 'declined', 'error']),
    gatewayReference: z.string().nullable(),
    errorCode: z.string().nullable(),
    request: z.record(z.string(), z.unknown()),
    response: z.record(z.string(), z.unknown()).nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
  })
  .openapi('PaymentTransaction');

const PaymentDetailSchema = PaymentSchema.extend({ transactions: z.array(TransactionSchema), refunds: z.array(RefundSchema) }).openapi(
  'PaymentDetail',
);

const RefundRequestSchema = z
  .object({
    amountMinor: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'Minor units; the rest of the captured amount when absent' }),
    reason: z.string().trim().max(500).optional(),
  })
  .openapi('RefundRequest');

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function paymentView(p: PaymentRow): z.infer<typeof PaymentSchema> {
  return {
    id: p.id,
    bookingId: p.bookingId,
    customerId: p.customerId,
    amountMinor: p.amountMinor,
    currency: p.currency.trim(),
    gateway: p.gateway,
    gatewayReference: p.gatewayReference ?? null,
    status: p.status,
    capturedMinor: p.capturedMinor,
    refundedMinor: p.refundedMinor,
    failureCode: p.failureCode ?? null,
    failureMessage: p.failureMessage ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

const refundView = (r: RefundRow): z.infer<typeof RefundSchema> => ({
  id: r.id,
  amountMinor: r.amountMinor,
  reason: r.reason ?? null,
  status: r.status,
  gatewayReference: r.gatewayReference ?? null,
  createdAt: r.createdAt.toISOString(),
});

const transactionView = (t: PaymentTransactionRow): z.infer<typeof TransactionSchema> => ({
  id: t.id,
  kind: t.kind,
  amountMinor: t.amountMinor,
  outcome: t.outcome,
  gatewayReference: t.gatewayReference ?? null,
  errorCode: t.errorCode ?? null,
  request: t.request,
  response: t.response ?? null,
  startedAt: t.startedAt.toISOString(),
  finishedAt: iso(t.finishedAt),
  durationMs: t.durationMs ?? null,
});

const NOT_FOUND = { 404: problemAnswer('No payment of yours with this id (PAYMENT_NOT_FOUND)') };

export function registerPaymentsRoutes(
  app: ServiceApp,
  deps: { ctx: PaymentsContext; verifier: TokenVerifier; sessions: SessionCheck },
): void {
  const { ctx } = deps;
  const signedIn = { middleware: [authenticate(deps.verifier)] as MiddlewareHandler[], ...NEEDS_TOKEN };
  const admin = { middleware: [authenticate(deps.verifier), requireRole('admin')] as MiddlewareHandler[], ...NEEDS_TOKEN };
  // Refunds move money: the admin's session must be open right now, not only their token unexpired.
  const adminMoney = { ...admin, middleware: [...admin.middleware, sessionOpen(deps.sessions) as MiddlewareHandler] };
  const em = () => ctx.orm.em.fork();

  // Before /payments/{id}, which would otherwise read "gateways" as an id.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/payments/gateways',
      tags: ['Payments'],
      summary: 'The payment gateways this service offers',
      responses: {
        200: jsonAnswer(
          z.object({ items: z.array(z.object({ name: z.string(), description: z.string() })) }),
          'Gateways by name, as a booking names them',
        ),
      },
    }),
    (c) => c.json({ items: [...ctx.gateways.values()].map((g) => ({ name: g.name, description: g.description })) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/payments',
      tags: ['Payments'],
      summary: 'My payments, newest first (admins: everyone’s)',
      ...signedIn,
      request: {
        query: PageQuerySchema.extend({
          status: z.enum(PAYMENT_STATUSES).optional(),
          bookingId: z.uuid().optional(),
          customerId: z.uuid().optional().openapi({ description: 'Admins only' }),
        }),
      },
      responses: { 200: jsonAnswer(pageOf(PaymentSchema).openapi('PaymentPage'), 'One page'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const page = await listPayments(em(), c.req.valid('query'), principalOf(c));
      return c.json({ ...page, items: page.items.map(paymentView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/payments/{id}',
      tags: ['Payments'],
      summary: 'One payment with every gateway call and refund',
      ...signedIn,
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(PaymentDetailSchema, 'The payment'), ...NOT_FOUND, ...TOKEN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const detail = await paymentDetail(em(), c.req.valid('param').id, principalOf(c));
      return c.json(
        { ...paymentView(detail.payment), transactions: detail.transactions.map(transactionView), refunds: detail.refunds.map(refundView) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/payments/{id}/refunds',
      tags: ['Payments'],
      summary: 'Refund all or part of a payment (admins)',
      description:
        'Refunds together never exceed the captured amount; one that would is refused, even when two arrive at once. Send `Idempotency-Key` so a retry answers the first refund.',
      ...adminMoney,
      request: {
        params: IdParamSchema,
        headers: idempotencyKeyHeader('A replay with the same key answers the first refund'),
        body: { ...jsonBody(RefundRequestSchema), required: false },
      },
      responses: {
        201: jsonAnswer(z.object({ refund: RefundSchema, payment: PaymentSchema }), 'The refund and the payment after it'),
        ...NOT_FOUND,
        409: problemAnswer('More than is left (REFUND_EXCEEDS_CAPTURED), or a payment that never captured (PAYMENT_NOT_REFUNDABLE)'),
        503: problemAnswer(
          'The card gateway could not be reached, or the session could not be confirmed (AUTH_UNAVAILABLE); retry with the same Idempotency-Key',
        ),
        ...ADMIN_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as z.infer<typeof RefundRequestSchema>;
      const key = c.req.valid('header')['idempotency-key'] ?? randomUUID();
      const done = await refund(ctx, {
        paymentId: c.req.valid('param').id,
        amountMinor: body.amountMinor,
        reason: body.reason ?? null,
        idempotencyKey: key,
      });
      return c.json({ refund: refundView(done.refund), payment: paymentView(done.payment) }, 201);
    },
  );
}
