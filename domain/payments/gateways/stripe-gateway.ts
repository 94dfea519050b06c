// Stripe through its official SDK: PaymentIntents confirmed at once, refunds, cancellation; an idempotency key on
// every call that changes anything. Card declines become Eventix's stable decline codes.
import Stripe from 'stripe';
import {
  GatewayRejectedError,
  GatewayUnavailableError,
  type ChargeOutcome,
  type ChargeRequest,
  type DeclineCode,
  type GatewayPayment,
  type PaymentGateway,
  type RefundOutcome,
  type RefundRequest,
} from './gateway.ts';

const DECLINES: Record<string, DeclineCode> = {
  insufficient_funds: 'INSUFFICIENT_FUNDS',
  expired_card: 'EXPIRED_CARD',
  incorrect_cvc: 'INCORRECT_CVC',
  fraudulent: 'FRAUD_SUSPECTED',
  stolen_card: 'FRAUD_SUSPECTED',
  lost_card: 'FRAUD_SUSPECTED',
  authentication_required: 'AUTHENTICATION_REQUIRED',
};

export function declineCode(stripeCode: string | undefined): DeclineCode {
  return (stripeCode && DECLINES[stripeCode]) || 'CARD_DECLINED';
}

/** What a PaymentIntent's status after confirmation means for Eventix. */
export function chargeOutcome(intent: {
  id: string;
  status: string;
  last_payment_error?: { decline_code?: string; code?: string; message?: string } | null;
}): ChargeOutcome {
  const raw = intent as unknown as Record<string, unknown>;
  switch (intent.status) {
    case 'succeeded':
      return { outcome: 'succeeded', reference: intent.id, raw };
    case 'processing':
      throw new GatewayUnavailableError(`Stripe is still processing ${intent.id}; ask again with the same key.`, 'GATEWAY_PROCESSING');
    case 'requires_action':
      return {
        outcome: 'declined',
        code: 'AUTHENTICATION_REQUIRED',
        message: 'The card needs the customer to authenticate.',
        reference: intent.id,
        raw,
      };
    default: {
      const error = intent.last_payment_error;
      return {
        outcome: 'declined',
        code: declineCode(error?.decline_code ?? error?.code),
        message: error?.message ?? `The payment was not completed (${intent.status}).`,
        reference: intent.id,
        raw,
      };
    }
  }
}

/** Sorts Stripe's errors: a card decline is an answer, a connection or server problem is worth retrying, the rest is ours. */
function translate(err: unknown): never {
  if (
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError
  ) {
    throw new GatewayUnavailableError(`Stripe unavailable: ${err.message}`, 'GATEWAY_UNAVAILABLE', { cause: err });
  }
  if (err instanceof Stripe.errors.StripeError) {
    // A concurrent request with the same key is still running at Stripe: retrying later returns its answer.
    if (err.statusCode === 409)
      throw new GatewayUnavailableError(`Stripe: ${err.message}`, 'IDEMPOTENT_REQUEST_IN_PROGRESS', { cause: err });
    throw new GatewayRejectedError(`Stripe refused the request: ${err.message}`, err.code ? err.code.toUpperCase() : 'GATEWAY_REJECTED');
  }
  throw err;
}

export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';
  readonly description = 'Stripe (PaymentIntents); test mode with an sk_test_ key and Stripe test payment methods';
  readonly #stripe: Stripe;

  constructor(options: { secretKey: string; apiUrl?: string; timeoutMs: number }) {
    const api = options.apiUrl ? new URL(options.apiUrl) : undefined;
    this.#stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 0,
      timeout: options.timeoutMs,
      appInfo: { name: 'Eventix' },
      ...(api
        ? {
            host: api.hostname,
            port: Number(api.port || (api.protocol === 'https:' ? 443 : 80)),
            protocol: api.protocol.replace(':', '') as 'http' | 'https',
          }
        : {}),
    });
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    try {
      const intent = await this.#stripe.paymentIntents.create(
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          payment_method: request.paymentMethod,
          confirm: true,
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          metadata: request.metadata,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return chargeOutcome(intent);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) {
        const intent = (err.raw as { payment_intent?: { id: string } } | undefined)?.payment_intent;
        return {
          outcome: 'declined',
          code: declineCode(err.decline_code ?? err.code),
          message: err.message,
          reference: intent?.id ?? null,
          raw: { type: err.type, code: err.code, decline_code: err.decline_code },
        };
      }
      return translate(err);
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    try {
      const refund = await this.#stripe.refunds.create(
        {
          payment_intent: request.reference,
          amount: request.amountMinor,
          metadata: request.reason ? { reason: request.reason.slice(0, 500) } : {},
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return { reference: refund.id, raw: refund as unknown as Record<string, unknown> };
    } catch (err) {
      return translate(err);
    }
  }

  async void(reference: string, idempotencyKey: string): Promise<{ raw: Record<string, unknown> }> {
    try {
      const intent = await this.#stripe.paymentIntents.cancel(reference, {}, { idempotencyKey });
      return { raw: intent as unknown as Record<string, unknown> };
    } catch (err) {
      return translate(err);
    }
  }

  async lookup(reference: string): Promise<GatewayPayment> {
    try {
      const intent = await this.#stripe.paymentIntents.retrieve(reference, { expand: ['latest_charge'] });
      const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
      return {
        reference: intent.id,
        status:
          intent.status === 'succeeded'
            ? 'succeeded'
            : intent.status === 'canceled'
              ? 'canceled'
              : intent.status === 'processing'
                ? 'pending'
                : 'failed',
        amountMinor: intent.amount,
        refundedMinor: charge?.amount_refunded ?? 0,
        currency: intent.currency.toUpperCase(),
      };
    } catch (err) {
      return translate(err);
    }
  }
}
