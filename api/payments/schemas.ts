// Request and response bodies of the payments service, declared once for validation and OpenAPI, and the views that fill them.
import { z } from '@hono/zod-openapi';
import { PageQuerySchema, pageOf } from '../../common/http/pagination.ts';
import { text } from '../../common/http/text.ts';
import { PAYMENT_STATUSES, type PaymentRow, type PaymentTransactionRow, type RefundRow } from '../../entities/payments/payment.entity.ts';

export const PaymentSchema = z
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

export const RefundSchema = z
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

export const PaymentDetailSchema = PaymentSchema.extend({
  transactions: z.array(TransactionSchema),
  refunds: z.array(RefundSchema),
}).openapi('PaymentDetail');

export const PaymentQuerySchema = PageQuerySchema.extend({
  status: z.enum(PAYMENT_STATUSES).optional(),
  bookingId: z.uuid().optional(),
  customerId: z.uuid().optional().openapi({ description: 'Admins only' }),
});

export const PaymentPageSchema = pageOf(PaymentSchema).openapi('PaymentPage');

export const RefundRequestSchema = z
  .object({
    amountMinor: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'Minor units; the rest of the captured amount when absent' }),
    reason: text({ max: 500, trim: true, kind: 'paragraph' }).optional(),
  })
  .openapi('RefundRequest');

export const GatewayListSchema = z.object({ items: z.array(z.object({ name: z.string(), description: z.string() })) });

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function paymentView(p: PaymentRow): z.infer<typeof PaymentSchema> {
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

export const refundView = (r: RefundRow): z.infer<typeof RefundSchema> => ({
  id: r.id,
  amountMinor: r.amountMinor,
  reason: r.reason ?? null,
  status: r.status,
  gatewayReference: r.gatewayReference ?? null,
  createdAt: r.createdAt.toISOString(),
});

export const transactionView = (t: PaymentTransactionRow): z.infer<typeof TransactionSchema> => ({
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

export { IdParamSchema } from '../../common/http/openapi.ts';
