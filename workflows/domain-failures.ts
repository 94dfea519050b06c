// How workflows read a refusal: by the failure's type (the domain error's stable code) and the one structured details
// object the activity adapter attached; and how an update validator refuses in the same shape.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { DomainErrorKind, DomainFailureDetails } from '../common/errors/domain-error.ts';

export interface DomainFailure {
  code: string | undefined;
  kind: DomainErrorKind | undefined;
  message: string;
  details: Partial<DomainFailureDetails>;
}

/** The domain refusal behind an activity's failure; undefined when it failed for another reason. */
export function domainFailureOf(err: unknown): DomainFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const first: unknown = cause.details?.[0];
  // Failures recorded before the details were one object carry a list here: read as no details.
  const details = typeof first === 'object' && first !== null && !Array.isArray(first) ? (first as Partial<DomainFailureDetails>) : {};
  return { code: cause.type ?? undefined, kind: details.kind, message: cause.message, details };
}

/** An update validator's refusal, shaped like an activity's so the route maps both alike. */
export function refusal(kind: DomainErrorKind, code: string, message: string): ApplicationFailure {
  const details: DomainFailureDetails = { kind };
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [details] });
}
