// Domain errors become activity failures typed by their stable code, with the kind and details as one object: not
// retried, except a kind that says trying again may succeed. A database error that no retry can mend (the data, a
// constraint or the statement itself is refused) fails at once too. Any other error (a lost connection, a deadlock,
// a timeout) is retried, within the activity's bounded retry policy.
import { DriverException } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, type DomainErrorKind, type DomainFailureDetails } from '../common/errors/domain-error.ts';
import { DATABASE_REFUSED } from '../workflows/domain-failures.ts';

/** Something the refusal needed could not be reached: the activity's retry policy asks again. */
const RETRYABLE_KINDS: ReadonlySet<DomainErrorKind> = new Set(['unavailable']);

/**
 * SQLSTATE classes that say the request itself is wrong, so the same request fails the same way every time:
 * 22 data exception (invalid text or encoding, invalid input syntax, out of range), 23 integrity constraint
 * violation, 42 syntax error or access rule violation. Other classes (08 connection, 40 deadlock or serialization,
 * 53 resources, 57 operator intervention) may pass on the next attempt.
 */
const PERMANENT_SQLSTATE_CLASSES: ReadonlySet<string> = new Set(['22', '23', '42']);
/**
 * 08P01, protocol violation: what PostgreSQL answers a statement whose text carries a NUL byte ("invalid message
 * format"). The message is malformed, not the connection; sending it again fails again.
 */
const PERMANENT_SQLSTATES: ReadonlySet<string> = new Set(['08P01']);

export function activityFailureOf(err: DomainError): ApplicationFailure {
  const details: DomainFailureDetails = { kind: err.kind, ...err.details };
  return ApplicationFailure.create({
    type: err.code,
    message: err.message,
    nonRetryable: !RETRYABLE_KINDS.has(err.kind),
    details: [details],
  });
}

/** The SQLSTATE of a database error MikroORM raised, when it carries one (a connection refused carries none). */
function sqlStateOf(err: DriverException): string | undefined {
  const code = err.sqlState ?? err.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A non-retryable failure for a database error no retry can mend; undefined for one worth retrying. */
export function permanentDatabaseFailureOf(err: unknown): ApplicationFailure | undefined {
  if (!(err instanceof DriverException)) return undefined;
  const state = sqlStateOf(err);
  if (!state || !(PERMANENT_SQLSTATES.has(state) || PERMANENT_SQLSTATE_CLASSES.has(state.slice(0, 2)))) return undefined;
  return ApplicationFailure.create({
    type: DATABASE_REFUSED,
    message: `${err.name} (SQLSTATE ${state}): ${err.message}`,
    nonRetryable: true,
    cause: err,
  });
}

export async function asActivity<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError) throw activityFailureOf(err);
    throw permanentDatabaseFailureOf(err) ?? err;
  }
}
