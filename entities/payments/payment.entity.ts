// A payment for one booking, the log of every gateway call about it, and its refunds.
import { defineEntity, p } from '@mikro-orm/core';

export const PAYMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payment',
  properties: {
    id: p.uuid().primary(),
    bookingId: p.uuid(),
    customerId: p.uuid(),
    /** Integer minor units of `currency`. */
    amountMinor: p.integer(),
    currency: p.string().length(3),
    gateway: p.string().length(32),
    gatewayReference: p.string().nullable(),
    status: p.enum(PAYMENT_STATUSES),
    capturedMinor: p.integer().default(0),
    refundedMinor: p.integer().default(0),
    failureCode: p.string().length(64).nullable(),
    failureMessage: p.text().nullable(),
    idempotencyKey: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export const PaymentTransaction = defineEntity({
  name: 'PaymentTransaction',
  tableName: 'payment_transaction',
  properties: {
    id: p.uuid().primary(),
    paymentId: p.uuid(),
    kind: p.enum(['charge', 'refund', 'void'] as const),
    amountMinor: p.integer(),
    idempotencyKey: p.string(),
    request: p.json<Record<string, unknown>>(),
    response: p.json<Record<string, unknown>>().nullable(),
    outcome: p.enum(['pending', 'succeeded', 'declined', 'error'] as const).default('pending'),
    gatewayReference: p.string().nullable(),
    errorCode: p.string().length(64).nullable(),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    durationMs: p.integer().nullable(),
  },
});

export const Refund = defineEntity({
  name: 'Refund',
  tableName: 'refund',
  properties: {
    id: p.uuid().primary(),
    paymentId: p.uuid(),
    amountMinor: p.integer(),
    reason: p.string().length(500).nullable(),
    status: p.enum(['PENDING', 'SUCCEEDED', 'FAILED'] as const),
    gatewayReference: p.string().nullable(),
    idempotencyKey: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type PaymentRow = InstanceType<typeof Payment.class>;
export type PaymentTransactionRow = InstanceType<typeof PaymentTransaction.class>;
export type RefundRow = InstanceType<typeof Refund.class>;
