// The refund handler: one refund per idempotency key, answered with the payment after it. A booking's payment is
// refunded through its booking (api/payments/booking-refunds.ts); a payment no booking saga names, directly.
import { randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { principalOf } from '../../common/auth/middleware.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { refund, type PaymentsContext } from '../../domain/payments/payments.ts';
import { Payment, Refund } from '../../entities/payments/payment.entity.ts';
import { hasBookingSaga, refundTag, refundThroughBooking } from './booking-refunds.ts';
import type { RefundHandler } from './refunds.routes.ts';
import { paymentView, refundView, type RefundRequestSchema } from './schemas.ts';

export function refundHandler(ctx: PaymentsContext, client: Client): RefundHandler {
  return async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as z.infer<typeof RefundRequestSchema>;
    const key = c.req.valid('header')['idempotency-key'] ?? randomUUID();
    const paymentId = c.req.valid('param').id;
    const payment = await ctx.orm.em.fork().findOne(Payment, { id: paymentId });
    if (!payment) throw new DomainError('not_found', 'PAYMENT_NOT_FOUND', 'No payment with this id.');
    const input = { paymentId, amountMinor: body.amountMinor, reason: body.reason ?? null, idempotencyKey: key };
    if (!(await hasBookingSaga(client, payment.bookingId))) {
      const done = await refund(ctx, input);
      return c.json({ refund: refundView(done.refund), payment: paymentView(done.payment) }, 201);
    }
    const refundKey = await refundThroughBooking(client, {
      ...input,
      bookingId: payment.bookingId,
      actor: `admin:${principalOf(c).userId}`,
      tag: refundTag(key),
    });
    const em = ctx.orm.em.fork();
    const made = await em.findOne(Refund, { paymentId, idempotencyKey: refundKey });
    if (!made) {
      // The booking's cancellation found the payment refunded already: it ended the booking without a refund.
      throw new DomainError(
        'conflict',
        'NOTHING_LEFT_TO_REFUND',
        'Nothing was left to refund; the booking is cancelled and its seats are on sale again.',
      );
    }
    const after = await em.findOneOrFail(Payment, { id: paymentId });
    return c.json({ refund: refundView(made), payment: paymentView(after) }, 201);
  };
}
