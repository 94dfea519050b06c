// How workflows read a refusal: by the failure's type (the domain error's stable code) and the one structured details
// object the activity adapter attached; how they tell a refusal from an activity that gave up; and how an update
// validator refuses in the same shape.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { DomainErrorKind, DomainFailureDetails, FieldError } from '../common/errors/domain-error.ts';

export interface DomainFailure {
  code: string | undefined;
  kind: DomainErrorKind | undefined;
  message: string;
  details: Partial<DomainFailureDetails>;
}

/** Every kind, to recognise one in a failure's details (the compiler keeps it complete). */
const KINDS: Record<DomainErrorKind, true> = {
  invalid: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  conflict: true,
  declined: true,
  rate_limited: true,
  unavailable: true,
};

const isKind = (value: unknown): value is DomainErrorKind => typeof value === 'string' && Object.hasOwn(KINDS, value);
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isFieldErrors = (value: unknown): value is FieldError[] =>
  Array.isArray(value) &&
  value.every(
    (e: unknown) =>
      typeof e === 'object' && e !== null && 'field' in e && typeof e.field === 'string' && 'message' in e && typeof e.message === 'string',
  );

/**
 * The details a failure carries, field by field: whatever crossed Temporal is checked before it is believed. Failures
 * recorded before the details were one object carry a list: read as no details.
 */
export function failureDetailsOf(value: unknown): Partial<DomainFailureDetails> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const { kind, seatIds, errors, retryAfterSeconds } = value as Record<string, unknown>;
  return {
    ...(isKind(kind) ? { kind } : {}),
    ...(isStrings(seatIds) ? { seatIds } : {}),
    ...(isFieldErrors(errors) ? { errors } : {}),
    ...(typeof retryAfterSeconds === 'number' ? { retryAfterSeconds } : {}),
  };
}

/** The domain refusal behind an activity's (or an update's) failure; undefined when it failed for another reason. */
export function domainFailureOf(err: unknown): DomainFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const details = failureDetailsOf(cause.details?.[0]);
  return { code: cause.type ?? undefined, kind: details.kind, message: cause.message, details };
}

/**
 * The failure type of a database error no retry can mend (activities/domain-failure.ts). Non-retryable like a
 * refusal, but nobody said no: the step could not be done, and the saga treats it as a step that gave up.
 */
export const DATABASE_REFUSED = 'DATABASE_REFUSED';

/**
 * The refusal behind an activity's failure: a non-retryable domain error (the seats are taken, the card declined),
 * whose outcome is known. Undefined when the activity gave up (its retries ran out, it timed out, or the database
 * refused it), whose effect is unknown and must be undone. Histories recorded before failures carried a kind are
 * read by the failure's non-retryable flag alone.
 */
export function refusalBehind(err: unknown): DomainFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || !cause.nonRetryable || cause.type === DATABASE_REFUSED) return undefined;
  return domainFailureOf(cause);
}

/** An update validator's refusal, shaped like an activity's so the route maps both alike. */
export function refusal(kind: DomainErrorKind, code: string, message: string): ApplicationFailure {
  const details: DomainFailureDetails = { kind };
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [details] });
}
