// The idempotency records in SQL: one atomic claim per caller and key, the stored answer, the released claim, the purge.
import { randomUUID } from 'node:crypto';
import type { Orm } from '../db/orm.ts';

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export interface ClaimRequest {
  scope: string;
  key: string;
  requestHash: string;
  retentionMs: number;
  /** A pending claim older than this is taken to belong to a run that died, and may be taken over. */
  staleClaimMs: number;
  /** Take over any pending claim of the same request at once, however fresh (see IdempotencyOptions.repeats). */
  joinPending?: boolean;
}

/** `repeat`: the claim was taken over from an earlier run of the same request, which may have done some of the work. */
export type Claim =
  | { kind: 'claimed'; claimId: string; repeat: boolean; run: string }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'reused' }
  | { kind: 'in-use' };

interface RecordRow {
  request_hash: string;
  state: 'pending' | 'done';
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  expired: boolean;
}

/**
 * A use of the key, named by when its row was made (to the microsecond): kept by every take-over, new once the claim
 * was released (a refused or failed request) or the row expired, so the work a use starts can be named by it.
 */
const RUN = `(extract(epoch from created_at) * 1000000)::bigint::text as run`;

/**
 * Inserts a pending claim, or takes the row over when it has expired (a new use of the key). One statement, so of two
 * concurrent requests with one key exactly one gets the claim. Times are the database's.
 */
const CLAIM_SQL = `insert into idempotency_record
    (scope, "key", request_hash, state, claim_id, claimed_at, created_at, expires_at)
  values (?, ?, ?, 'pending', ?, now(), now(), now() + cast(? as float8) * interval '1 millisecond')
  on conflict (scope, "key") do update set
    request_hash = excluded.request_hash, state = 'pending', claim_id = excluded.claim_id, claimed_at = excluded.claimed_at,
    created_at = excluded.created_at, expires_at = excluded.expires_at, status = null, headers = null, body = null
  where idempotency_record.expires_at <= now()
  returning claim_id, ${RUN}`;

/**
 * Takes over the pending claim of the same request: when it is stale (its run is taken to have died), or at once when
 * joining. The row lock makes concurrent take-overs go one after the other; the last one holds the claim.
 */
const TAKE_OVER_SQL = `update idempotency_record set claim_id = ?, claimed_at = now()
  where scope = ? and "key" = ? and state = 'pending' and request_hash = ? and expires_at > now()
    and (cast(? as boolean) or claimed_at < now() - cast(? as float8) * interval '1 millisecond')
  returning claim_id, ${RUN}`;

/** Claims the key for this request, or says what became of the request that holds it. */
export async function claimKey(orm: Orm, request: ClaimRequest): Promise<Claim> {
  const connection = orm.em.getConnection();
  // A row can vanish or expire between the statements (its run failed and released it): then claim again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimId = randomUUID();
    const claimed = await connection.execute<{ claim_id: string; run: string }[]>(CLAIM_SQL, [
      request.scope,
      request.key,
      request.requestHash,
      claimId,
      request.retentionMs,
    ]);
    if (claimed[0]) return { kind: 'claimed', claimId, repeat: false, run: claimed[0].run };
    const takenOver = await connection.execute<{ claim_id: string; run: string }[]>(TAKE_OVER_SQL, [
      claimId,
      request.scope,
      request.key,
      request.requestHash,
      request.joinPending === true,
      request.staleClaimMs,
    ]);
    if (takenOver[0]) return { kind: 'claimed', claimId, repeat: true, run: takenOver[0].run };
    const [row] = await connection.execute<RecordRow[]>(
      `select request_hash, state, status, headers, body, expires_at <= now() as expired
         from idempotency_record where scope = ? and "key" = ?`,
      [request.scope, request.key],
    );
    if (!row || row.expired) continue;
    if (row.request_hash !== request.requestHash) return { kind: 'reused' };
    if (row.state === 'pending') {
      // Joining takes over any pending claim: one found here was made or taken over a moment ago, so try again.
      if (request.joinPending) continue;
      return { kind: 'in-use' };
    }
    return { kind: 'replay', answer: { status: row.status!, headers: row.headers ?? {}, body: row.body } };
  }
  return { kind: 'in-use' };
}

/** Stores the answer of a claimed run; a claim that was taken over in the meantime stores nothing. */
export async function storeAnswer(orm: Orm, scope: string, key: string, claimId: string, answer: StoredAnswer): Promise<void> {
  await orm.em.getConnection().execute(
    `update idempotency_record set state = 'done', status = ?, headers = cast(? as jsonb), body = ?
        where scope = ? and "key" = ? and claim_id = ?`,
    [answer.status, JSON.stringify(answer.headers), answer.body, scope, key, claimId],
  );
}

/** Forgets a claimed run, so a retry with the key runs again. */
export async function releaseClaim(orm: Orm, scope: string, key: string, claimId: string): Promise<void> {
  await orm.em
    .getConnection()
    .execute(`delete from idempotency_record where scope = ? and "key" = ? and claim_id = ?`, [scope, key, claimId]);
}

/** Deletes up to `limit` expired records; the rest go on a later round. */
export async function purgeExpired(orm: Orm, limit = 1000): Promise<number> {
  const deleted = await orm.em.getConnection().execute<{ scope: string }[]>(
    `delete from idempotency_record where ctid in (select ctid from idempotency_record where expires_at <= now() limit ?)
      returning scope`,
    [limit],
  );
  return deleted.length;
}
