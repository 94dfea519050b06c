// Domain errors become activity failures typed by their stable code, with the kind and details as one object: not
// retried, except a kind that says trying again may succeed. Any other error (a database hiccup, a timeout) is retried.
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, type DomainErrorKind, type DomainFailureDetails } from '../common/errors/domain-error.ts';

/** Something the refusal needed could not be reached: the activity's retry policy asks again. */
const RETRYABLE_KINDS: ReadonlySet<DomainErrorKind> = new Set(['unavailable']);

export function activityFailureOf(err: DomainError): ApplicationFailure {
  const details: DomainFailureDetails = { kind: err.kind, ...err.details };
  return ApplicationFailure.create({
    type: err.code,
    message: err.message,
    nonRetryable: !RETRYABLE_KINDS.has(err.kind),
    details: [details],
  });
}

export async function asActivity<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError) throw activityFailureOf(err);
    throw err;
  }
}
