// What every payment gateway offers Eventix: charge, refund, void and look up, each idempotent by key.

export interface ChargeRequest {
  amountMinor: number;
  currency: string;
  /** A saved payment method, e.g. "pm_card_visa". */
  paymentMethod: string;
  /** The same key returns the first answer and never captures twice. */
  idempotencyKey: string;
  metadata: Record<string, string>;
  /** Aborts the wait for the gateway's answer (the charge may still have happened: retry with the same key). */
  signal?: AbortSignal;
}

export type ChargeOutcome =
  | { outcome: 'succeeded'; reference: string; raw: Record<string, unknown> }
  | { outcome: 'declined'; code: DeclineCode; message: string; reference: string | null; raw: Record<string, unknown> };

export interface RefundRequest {
  /** The charge's reference at the gateway. */
  reference: string;
  amountMinor: number;
  idempotencyKey: string;
  reason?: string;
  signal?: AbortSignal;
}

export interface RefundOutcome {
  reference: string;
  raw: Record<string, unknown>;
}

export interface GatewayPayment {
  reference: string;
  status: 'succeeded' | 'failed' | 'pending' | 'canceled';
  amountMinor: number;
  refundedMinor: number;
  currency: string;
}

export interface PaymentGateway {
  readonly name: string;
  readonly description: string;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /** Cancels a charge that has not captured; a captured one must be refunded instead. */
  void(reference: string, idempotencyKey: string): Promise<{ raw: Record<string, unknown> }>;
  lookup(reference: string): Promise<GatewayPayment>;
}

/** Stable decline codes, the same whichever gateway declined. */
export const DECLINE_CODES = [
  'CARD_DECLINED',
  'INSUFFICIENT_FUNDS',
  'EXPIRED_CARD',
  'INCORRECT_CVC',
  'FRAUD_SUSPECTED',
  'AUTHENTICATION_REQUIRED',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];

/** The gateway could not be reached or failed on its side: safe to retry with the same key. */
export class GatewayUnavailableError extends Error {
  override name = 'GatewayUnavailableError';
  readonly code: string;

  constructor(message: string, code = 'GATEWAY_UNAVAILABLE', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The gateway refused the request itself (not a card decline): retrying will not help. */
export class GatewayRejectedError extends Error {
  override name = 'GatewayRejectedError';
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}
