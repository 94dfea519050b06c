// Payment activities on the `payments` task queue: what the booking saga asks of the payments service.
// A decline is a non-retryable failure typed by its code (CARD_DECLINED, INSUFFICIENT_FUNDS, …); an unreachable
// gateway is retryable, and each retry uses the same idempotency key. A charge the saga gave up on is undone by its key.
// Every activity here may wait on the card network, so each heartbeats while it runs: a payments worker that dies
// mid-call is noticed within the heartbeat timeout (workflows/activity-options.ts) and the call is asked again, with
// the same key, on another worker.
import { asyncLocalStorage } from '@temporalio/activity';
import { DomainError } from '../common/errors/domain-error.ts';
import { charge, refund, voidPayment, type ChargeInput, type PaymentsContext, type RefundInput } from '../domain/payments/payments.ts';
import { Payment, type PaymentRow } from '../entities/payments/payment.entity.ts';
import { asActivity } from './domain-failure.ts';

export type ChargePaymentInput = ChargeInput;
export type RefundPaymentInput = RefundInput;

export interface UndoChargeInput {
  bookingId: string;
  /** The key the abandoned charge was made with. */
  idempotencyKey: string;
  reason: string;
}

export interface PaymentOutcome {
  paymentId: string;
  status: PaymentRow['status'];
  amountMinor: number;
  currency: string;
  capturedMinor: number;
  refundedMinor: number;
  gatewayReference: string | null;
}

function outcome(payment: PaymentRow): PaymentOutcome {
  return {
    paymentId: payment.id,
    status: payment.status,
    amountMinor: payment.amountMinor,
    currency: payment.currency.trim(),
    capturedMinor: payment.capturedMinor,
    refundedMinor: payment.refundedMinor,
    gatewayReference: payment.gatewayReference ?? null,
  };
}

/** How often a payment activity says it is alive: well inside its heartbeat timeout, which the SDK throttles to. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Runs an activity's work while heartbeating, from its start until it answers. Called outside an activity (a test
 * calling the factory's functions directly) it simply runs.
 */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = asyncLocalStorage.getStore();
  if (!context) return work();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** A payment activity: heartbeating while it runs, its domain refusals typed by their codes. */
const paymentActivity = <T>(run: () => Promise<T>): Promise<T> => heartbeating(() => asActivity(run));

export function createPaymentsActivities(ctx: PaymentsContext) {
  return {
    chargePayment: (input: ChargePaymentInput): Promise<PaymentOutcome> =>
      paymentActivity(async () => {
        const payment = await charge(ctx, input);
        if (payment.status === 'FAILED') {
          throw new DomainError('declined', payment.failureCode ?? 'CARD_DECLINED', payment.failureMessage ?? 'The payment was declined.');
        }
        return outcome(payment);
      }),
    refundPayment: (input: RefundPaymentInput): Promise<PaymentOutcome & { refundId: string; refundedNowMinor: number }> =>
      paymentActivity(async () => {
        const done = await refund(ctx, input);
        return { ...outcome(done.payment), refundId: done.refund.id, refundedNowMinor: done.refund.amountMinor };
      }),
    voidPayment: (paymentId: string): Promise<PaymentOutcome> => paymentActivity(async () => outcome(await voidPayment(ctx, paymentId))),
    /**
     * Undoes a charge whose outcome the saga never learned (its activity gave up): voided while it has not captured,
     * refunded in full once it has, left alone when it was never made or has failed. Null when there is no payment.
     */
    undoCharge: (input: UndoChargeInput): Promise<PaymentOutcome | null> =>
      paymentActivity(async () => {
        const payment = await ctx.orm.em.fork().findOne(Payment, { idempotencyKey: input.idempotencyKey });
        if (!payment) return null;
        if (payment.status === 'PENDING') return outcome(await voidPayment(ctx, payment.id));
        if (payment.status !== 'SUCCEEDED' && payment.status !== 'PARTIALLY_REFUNDED') return outcome(payment);
        const done = await refund(ctx, { paymentId: payment.id, reason: input.reason, idempotencyKey: `${input.idempotencyKey}:undone` });
        return outcome(done.payment);
      }),
  };
}

export type PaymentsActivities = ReturnType<typeof createPaymentsActivities>;
