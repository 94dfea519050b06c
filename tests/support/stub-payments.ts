// The payments service's activities in memory, typed by the real factory: charges, declines, slow gateways, refunds.
import { randomUUID } from 'node:crypto';
import type { PaymentOutcome, PaymentsActivities } from '../../activities/payments.activities.ts';
import { refuse, type CallLog } from './stub-calls.ts';

type StubPayment = PaymentOutcome & { bookingId: string };

/** Charges and refunds as the payments service answers them, with declines and slow gateways scripted per booking. */
export function createStubPayments(calls: CallLog) {
  const payments = new Map<string, StubPayment>();
  const byKey = new Map<string, StubPayment>();
  const refunds = new Map<string, Awaited<ReturnType<PaymentsActivities['refundPayment']>>>();
  const declines = new Map<string, string[]>();
  const delays = new Map<string, number>();
  const outcome = ({ bookingId: _, ...payment }: StubPayment): PaymentOutcome => ({ ...payment });
  const capture = (bookingId: string, amountMinor: number, currency: string): StubPayment => {
    const payment: StubPayment = {
      bookingId,
      paymentId: randomUUID(),
      status: 'SUCCEEDED',
      amountMinor,
      currency,
      capturedMinor: amountMinor,
      refundedMinor: 0,
      gatewayReference: `stub_${randomUUID()}`,
    };
    payments.set(payment.paymentId, payment);
    return payment;
  };
  const activities: PaymentsActivities = {
    async chargePayment(input) {
      calls.add({ activity: 'chargePayment', key: input.bookingId, args: [input] });
      await new Promise((r) => setTimeout(r, delays.get(input.bookingId) ?? 0));
      const known = byKey.get(input.idempotencyKey);
      if (known) return outcome(known);
      const declined = declines.get(input.bookingId)?.shift();
      if (declined) return refuse('declined', declined, 'The payment was declined.');
      const payment = capture(input.bookingId, input.amountMinor, input.currency);
      byKey.set(input.idempotencyKey, payment);
      return outcome(payment);
    },
    async refundPayment(input) {
      const payment = payments.get(input.paymentId);
      calls.add({ activity: 'refundPayment', key: payment?.bookingId ?? input.paymentId, args: [input] });
      if (!payment) return refuse('not_found', 'PAYMENT_NOT_FOUND', 'No payment with this id.');
      const earlier = refunds.get(input.idempotencyKey);
      if (earlier) return earlier;
      const amount = Math.min(input.amountMinor ?? payment.capturedMinor, payment.capturedMinor - payment.refundedMinor);
      payment.refundedMinor += amount;
      payment.status = payment.refundedMinor >= payment.capturedMinor ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
      const done = { ...outcome(payment), refundId: randomUUID(), refundedNowMinor: amount };
      refunds.set(input.idempotencyKey, done);
      return done;
    },
    async voidPayment(paymentId) {
      const payment = payments.get(paymentId);
      calls.add({ activity: 'voidPayment', key: payment?.bookingId ?? paymentId, args: [paymentId] });
      if (!payment) return refuse('not_found', 'PAYMENT_NOT_FOUND', 'No payment with this id.');
      return refuse('conflict', 'PAYMENT_CAPTURED', 'This payment has captured; refund it instead.');
    },
    undoCharge(input) {
      calls.add({ activity: 'undoCharge', key: input.bookingId, args: [input] });
      const payment = byKey.get(input.idempotencyKey);
      if (!payment) return Promise.resolve(null);
      // A stub charge captures at once: undoing it is a full refund.
      if (payment.status === 'SUCCEEDED') Object.assign(payment, { status: 'REFUNDED', refundedMinor: payment.capturedMinor });
      return Promise.resolve(outcome(payment));
    },
  };
  return {
    activities,
    /** The booking's next charges are declined with these codes, one each. */
    decline: (bookingId: string, ...codes: string[]) => declines.set(bookingId, codes),
    /** The booking's charges take this long, as a slow gateway would. */
    slow: (bookingId: string, ms: number) => delays.set(bookingId, ms),
    /** A payment captured earlier (a confirmed booking). */
    captured: (bookingId: string, amountMinor: number) => capture(bookingId, amountMinor, 'EUR').paymentId,
    payment: (paymentId: string) => payments.get(paymentId),
    /** The payment a charge with this idempotency key made, if it made one. */
    paymentOfKey: (idempotencyKey: string) => byKey.get(idempotencyKey)?.paymentId,
  };
}
