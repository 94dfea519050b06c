// The refund handler: one refund per idempotency key, answered with the payment after it.
import { randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import { refund, type PaymentsContext } from '../../domain/payments/payments.ts';
import type { RefundHandler } from './refunds.routes.ts';
import { paymentView, refundView, type RefundRequestSchema } from './schemas.ts';

export function refundHandler(ctx: PaymentsContext): RefundHandler {
  return async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as z.infer<typeof RefundRequestSchema>;
    const key = c.req.valid('header')['idempotency-key'] ?? randomUUID();
    const done = await refund(ctx, {
      paymentId: c.req.valid('param').id,
      amountMinor: body.amountMinor,
      reason: body.reason ?? null,
      idempotencyKey: key,
    });
    return c.json({ refund: refundView(done.refund), payment: paymentView(done.payment) }, 201);
  };
}
