// Idempotency records: per caller and Idempotency-Key, the request it was first used for and, once answered, that answer.
import { defineEntity, p } from '@mikro-orm/core';

export const IdempotencyRecord = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_record',
  properties: {
    /** The caller the key belongs to: a user id, or `anonymous` on routes without a caller. */
    scope: p.string().primary(),
    key: p.string().primary(),
    /** sha256 (hex) of the method, the path and the raw body bytes of the first request. */
    requestHash: p.string().length(64),
    /** `pending` while the first request runs, `done` once its answer is stored. */
    state: p.string().length(16),
    /** Which run holds a pending claim; only that run may store its answer or release the claim. */
    claimId: p.uuid(),
    claimedAt: p.datetime(),
    status: p.integer().nullable(),
    /** The answer's headers worth replaying (content-type, location). */
    headers: p.json<Record<string, string>>().nullable(),
    body: p.text().nullable(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
  },
});
