// Refusals in the domain's own words: a stable code, a kind and structured details. Each adapter (HTTP, activities)
// decides once what a kind means to it; domain code never names an HTTP status or a retry policy.

export const DOMAIN_ERROR_KINDS = [
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'declined',
  'rate_limited',
  'unavailable',
] as const;

/**
 * invalid: the request can never succeed as given; unauthorized / forbidden: who asks, or what they may do;
 * not_found; conflict: the current state refuses it; declined: a payment was refused; rate_limited: too many tries;
 * unavailable: something it needs cannot be reached right now (trying again may succeed).
 */
export type DomainErrorKind = (typeof DOMAIN_ERROR_KINDS)[number];

export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorDetails {
  /** The offending fields of the request. */
  errors?: FieldError[];
  /** The seats a refusal is about (taken, or not for sale). */
  seatIds?: string[];
  /** How long until trying again can succeed. */
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  override name = 'DomainError';
  readonly kind: DomainErrorKind;
  readonly code: string;
  readonly details: DomainErrorDetails;

  constructor(kind: DomainErrorKind, code: string, message: string, details: DomainErrorDetails = {}) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.details = details;
  }
}

/** What a failure carries across Temporal for a domain error (its one details entry): the kind and the details. */
export type DomainFailureDetails = DomainErrorDetails & { kind: DomainErrorKind };

export function isDomainErrorKind(value: unknown): value is DomainErrorKind {
  return typeof value === 'string' && (DOMAIN_ERROR_KINDS as readonly string[]).includes(value);
}
