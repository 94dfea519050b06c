// Idempotency-Key for every POST that creates something or moves money: one middleware, placed after the route's
// authentication, that runs a keyed request once and answers its replays with the first answer.
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { AuthVariables } from '../auth/middleware.ts';
import type { Orm } from '../db/orm.ts';
import { recordFailure } from '../observability/tracing.ts';
import { claimKey, purgeExpired, releaseClaim, storeAnswer, type StoredAnswer } from './idempotency-store.ts';
import { problemAnswer } from './openapi.ts';
import { HttpProblem } from './problem.ts';

/** How long a key and its answer are kept. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
/** A run that has held its claim this long is taken to have died: a retry with the key may take it over. */
export const STALE_CLAIM_MS = 5 * 60_000;
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
/** The scope of keys sent on routes without a caller (registration). */
export const ANONYMOUS_SCOPE = 'anonymous';

/** How a route meets a repeat that arrives while the first request with its key has no answer yet. */
export type Repeats = 'refuse' | 'join';

/**
 * The header description of an idempotent route: what a replay answers, and for how long keys are kept. A route that
 * joins repeats says so in place of the 409 IDEMPOTENCY_KEY_IN_USE.
 */
export function idempotencyKeyDescription(replay: string, repeats: Repeats = 'refuse'): string {
  const running =
    repeats === 'join'
      ? 'a repeat that arrives while the first request still runs, or after the instance running it stopped, joins it: ' +
        'it is not refused as IDEMPOTENCY_KEY_IN_USE but runs again, attaches to the same operation and answers its ' +
        'outcome'
      : 'while the first request still runs a repeat gets 409 IDEMPOTENCY_KEY_IN_USE with Retry-After';
  const unkept =
    repeats === 'join'
      ? 'Failures on our side (5xx) are not kept: after a 503 whose outcome is still to come (BOOKING_OUTCOME_PENDING) ' +
        'the key stays bound to this request and a retry with the same body joins what the first one started; after ' +
        'any other 5xx, and after refusals of the request itself (400, 401, 403, 413, 415, 422, 429), a retry runs again.'
      : 'Failures on our side (5xx) and refusals of the request itself (400, 401, 403, 413, 415, 422, 429) are not ' +
        'kept, so a retry runs again.';
  return (
    `Makes a retry safe. ${replay} A repeat with the same key, from the same caller, to the same route and with the ` +
    `same body gets the first answer again (its status, body, Content-Type and Location, marked ` +
    `\`${IDEMPOTENT_REPLAYED_HEADER}: true\`) and changes nothing; the same key with another body or route is refused ` +
    `(409 IDEMPOTENCY_KEY_REUSED), and ${running}. Keys are kept ${IDEMPOTENCY_RETENTION_HOURS} hours. ${unkept} 1 to ` +
    `255 printable ASCII characters.`
  );
}

const KEY_CONFLICTS =
  'used for another request (IDEMPOTENCY_KEY_REUSED), or its first request is still running (IDEMPOTENCY_KEY_IN_USE, with Retry-After)';
const JOINED_KEY_CONFLICTS = 'used for another request (IDEMPOTENCY_KEY_REUSED)';

/** The 409 of an idempotent route; `conflicts` names the route's own 409s, which share the status. */
export function idempotencyProblems(conflicts?: string, repeats: Repeats = 'refuse') {
  const keyConflicts = repeats === 'join' ? JOINED_KEY_CONFLICTS : KEY_CONFLICTS;
  const text = conflicts ? `${conflicts}; or the Idempotency-Key was ${keyConflicts}` : `The Idempotency-Key was ${keyConflicts}`;
  return { 409: problemAnswer(text) };
}

/** For routes whose only 409s are those of the key. */
export const IDEMPOTENCY_PROBLEMS = idempotencyProblems();

/**
 * Answers that are not kept: a failure on our side (any 5xx, a thrown error) may succeed on a retry; a refused caller
 * (401, 403), a rate limit (429) and a request that was not valid (400 malformed, 422 fields) changed nothing, and the
 * caller may fix the request and send it again with the same key. Every other answer is kept, refusals included.
 */
const UNKEPT_STATUSES = new Set([400, 401, 403, 413, 415, 422, 429]);
const isKept = (status: number) => status < 500 && !UNKEPT_STATUSES.has(status);
/** The response headers a replay repeats besides the body. */
const REPLAYED_HEADERS = ['content-type', 'location'];
const USABLE_KEY = /^[\x20-\x7e]{1,255}$/;
const PURGE_EVERY_MS = 60_000;

export interface IdempotencyOptions {
  retentionMs?: number;
  staleClaimMs?: number;
  /**
   * `refuse` (the default): a repeat while the first request has no answer yet is told 409 IDEMPOTENCY_KEY_IN_USE,
   * until the claim is stale. `join`: the repeat takes the claim over at once and runs the handler again, which must
   * attach to whatever the first run started (a saga operation named by the key) rather than start it again; the
   * repeat's answer is the one stored. A failure on our side that leaves work under way (markOutcomePending) then
   * leaves the claim pending instead of releasing it, so the next retry is a repeat too and the key stays bound to
   * this request's body; work is named by the key's use (idempotencyRunOf), so a use released after a failure that
   * left nothing under way starts afresh.
   */
  repeats?: Repeats;
}

export type IdempotencyVariables = {
  /** Set when this run took the claim over from an earlier run of the same keyed request. */
  idempotentRepeat?: boolean;
  /** The use of the key this run belongs to (see idempotencyRunOf). */
  idempotencyRun?: string;
  /** Set by a handler whose answer (a 5xx) leaves work under way: the claim then stays for the retry to join. */
  idempotentOutcomePending?: boolean;
};

/**
 * The use of the key this run belongs to: the same for every run that joins it, new once an earlier use was released
 * (it was refused, or failed with nothing left under way). Work a keyed request starts is named by it, so a joining
 * retry attaches to that work and a fresh use starts its own. Undefined for a request without a key.
 */
export function idempotencyRunOf(c: Context): string | undefined {
  return c.get('idempotencyRun' as never) as string | undefined;
}

/**
 * Says that this answer (a 5xx) leaves the request's work under way, its outcome to come: on a joining route the
 * claim stays pending, so a retry with the key joins that work instead of starting it again. Any other 5xx releases
 * the claim, as nothing was left under way.
 */
export function markOutcomePending(c: Context): void {
  c.set('idempotentOutcomePending' as never, true as never);
}

/**
 * Whether this run took the claim over from an earlier run of the same keyed request that stored no answer: one that
 * died, or (on a joining route) one still running or one that failed on our side. The handler may find that run's work
 * done, and answer it as its own.
 */
export function isIdempotentRepeat(c: Context): boolean {
  return c.get('idempotentRepeat' as never) === true;
}

/** The middleware factory: one per service's database. Requests without the header pass through untouched. */
export function idempotent(
  orm: Orm,
  options: IdempotencyOptions = {},
): MiddlewareHandler<{ Variables: AuthVariables & IdempotencyVariables }> {
  const retentionMs = options.retentionMs ?? IDEMPOTENCY_RETENTION_HOURS * 3_600_000;
  const staleClaimMs = options.staleClaimMs ?? STALE_CLAIM_MS;
  const joinPending = options.repeats === 'join';
  const purge = purgeAtMostEvery(orm, PURGE_EVERY_MS);
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
    if (!USABLE_KEY.test(key)) {
      throw new HttpProblem(422, 'VALIDATION_FAILED', 'The request is not valid.', [
        { field: 'idempotency-key', message: 'Idempotency-Key must be 1 to 255 printable ASCII characters' },
      ]);
    }
    const scope = c.get('principal')?.userId ?? ANONYMOUS_SCOPE;
    // Hono keeps the body it read, so the route's validator and handler still read it after this.
    const requestHash = hashRequest(c.req.method, c.req.path, await c.req.arrayBuffer());
    await purge();
    const claim = await claimKey(orm, { scope, key, requestHash, retentionMs, staleClaimMs, joinPending });
    if (claim.kind === 'reused') {
      throw new HttpProblem(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another request.');
    }
    if (claim.kind === 'in-use') {
      throw new HttpProblem(409, 'IDEMPOTENCY_KEY_IN_USE', 'The first request with this Idempotency-Key is still running.', undefined, {
        'retry-after': '1',
      });
    }
    if (claim.kind === 'replay') return replay(c, claim.answer);
    if (claim.repeat) c.set('idempotentRepeat', true);
    c.set('idempotencyRun', claim.run);
    await runClaimed(c, next, { orm, scope, key, claimId: claim.claimId, keepOnFailure: joinPending });
  };
}

/** sha256 over the method, the path and the raw body bytes. */
export function hashRequest(method: string, path: string, body: ArrayBuffer): string {
  return createHash('sha256').update(`${method.toUpperCase()}\n${path}\n`).update(Buffer.from(body)).digest('hex');
}

function replay(c: Context, answer: StoredAnswer): Response {
  const headers: Record<string, string> = { ...answer.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' };
  if (answer.body === null) return c.body(null, answer.status as StatusCode, headers);
  return c.body(answer.body, answer.status as ContentfulStatusCode, headers);
}

interface RunningClaim {
  orm: Orm;
  scope: string;
  key: string;
  claimId: string;
  /** A failure on our side that leaves work under way keeps the claim pending, for the retry to join (repeats: 'join'). */
  keepOnFailure: boolean;
}

async function runClaimed(c: Context, next: Next, claim: RunningClaim) {
  const { orm, scope, key, claimId } = claim;
  try {
    await next();
  } catch (err) {
    await releaseClaim(orm, scope, key, claimId);
    throw err;
  }
  // By status, not by whether the handler threw: a domain refusal (409 SEATS_UNAVAILABLE, 402) is an answer to keep.
  if (!isKept(c.res.status)) {
    // A 5xx that left work under way (a saga still deciding) keeps the claim: the joining retry attaches to it.
    const underWay = claim.keepOnFailure && c.res.status >= 500 && c.get('idempotentOutcomePending' as never) === true;
    if (!underWay) await releaseClaim(orm, scope, key, claimId);
    return;
  }
  try {
    await storeAnswer(orm, scope, key, claimId, await answerOf(c.res));
  } catch (err) {
    // The work is done and the caller gets its answer. The claim stays pending, so a retry is told the key is in use
    // until the claim goes stale (or, joining, runs again and attaches to the work done), rather than running the
    // request a second time at once.
    recordFailure(err);
  }
}

async function answerOf(res: Response): Promise<StoredAnswer> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: res.status, headers, body: res.body === null ? null : await res.clone().text() };
}

/** Expired records go opportunistically: at most one bounded delete per interval and process, on a keyed request. */
function purgeAtMostEvery(orm: Orm, intervalMs: number): () => Promise<void> {
  let last = 0;
  return async () => {
    if (Date.now() - last < intervalMs) return;
    last = Date.now();
    // A failed purge only delays it to the next round; the request itself goes on.
    await purgeExpired(orm).catch(recordFailure);
  };
}
