// Facts the payments service publishes.
import { z } from 'zod';
import { defineEvent } from './envelope.ts';

export const paymentCapturedV1 = defineEvent(
  'payment.captured',
  1,
  z.object({
    paymentId: z.uuid(),
    bookingId: z.uuid(),
    customerId: z.uuid(),
    amountMinor: z.number().int().positive(),
    currency: z.string().length(3),
    gateway: z.string(),
    gatewayReference: z.string(),
  }),
);

export const paymentRefundedV1 = defineEvent(
  'payment.refunded',
  1,
  z.object({
    paymentId: z.uuid(),
    bookingId: z.uuid(),
    customerId: z.uuid(),
    refundId: z.uuid(),
    amountMinor: z.number().int().positive(),
    refundedTotalMinor: z.number().int().positive(),
    currency: z.string().length(3),
    status: z.enum(['PARTIALLY_REFUNDED', 'REFUNDED']),
    reason: z.string().nullable(),
  }),
);
