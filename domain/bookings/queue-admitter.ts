// The admitter's steps over an event's waiting room: the opening's shuffle of the pre-queue, expiring admissions left
// unused, turning everyone still waiting sold out, and admitting the next customers in rank order.
import type { EntityManager } from '@mikro-orm/postgresql';

/** Ranks below this are the shuffled pre-queue's; the late-arrival sequence starts here (see the migration). */
const LATE_RANKS_FROM = 1_000_000_000_000;

/**
 * Ranks every unranked place (the pre-queue, and any place of it that committed after an earlier shuffle) in a random
 * order behind the ranks already drawn and ahead of every late arrival. The order is drawn by PostgreSQL's
 * gen_random_uuid(), which reads its strong random source: arriving early, joining twice or refreshing changes
 * nothing about where a place lands. Marks the opening made. Answers how many places it ranked.
 */
export async function rankPreQueue(em: EntityManager, eventId: string): Promise<number> {
  return em.transactional(async (tx) => {
    // One shuffle of an event at a time (a retried step, a second admitter), so two never draw the same ranks.
    await tx.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`queue-shuffle:${eventId}`]);
    const ranked = await tx.execute<{ n: number }[]>(
      `with base as (select coalesce(max(rank), 0) as b from queue_entry where event_id = ? and rank < ${LATE_RANKS_FROM}),
         drawn as (select customer_id, row_number() over (order by gen_random_uuid()) as r
                   from queue_entry where event_id = ? and rank is null and state = 'waiting')
       update queue_entry q set rank = base.b + drawn.r from drawn, base
       where q.event_id = ? and q.customer_id = drawn.customer_id
       returning 1 as n`,
      [eventId, eventId, eventId],
    );
    await tx.execute('update on_sale set opened_at = coalesce(opened_at, now()) where event_id = ?', [eventId]);
    return ranked.length;
  });
}

/** Admissions past their expiry, unused, turn expired; answers how many. */
export async function expireAdmissions(em: EntityManager, eventId: string): Promise<number> {
  const rows = await em.execute<{ n: number }[]>(
    `update queue_entry set state = 'expired' where event_id = ? and state = 'admitted' and expires_at <= now() returning 1 as n`,
    [eventId],
  );
  return rows.length;
}

/** Everyone still waiting (pre-queue too) is told at once: one statement. Marks the on-sale sold out. */
export async function markSoldOut(em: EntityManager, eventId: string): Promise<number> {
  return em.transactional(async (tx) => {
    await tx.execute('update on_sale set sold_out_at = coalesce(sold_out_at, now()) where event_id = ?', [eventId]);
    const rows = await tx.execute<{ n: number }[]>(
      `update queue_entry set state = 'sold_out' where event_id = ? and state = 'waiting' returning 1 as n`,
      [eventId],
    );
    return rows.length;
  });
}

/**
 * Admits the next `count` ranked places, in rank order, each with a new admission id valid for `ttlSeconds`. One
 * step's admissions share their instant (the statement's), so the order of the steps is the order of admission.
 */
export async function admitNext(em: EntityManager, eventId: string, count: number, ttlSeconds: number): Promise<number> {
  if (count <= 0) return 0;
  const rows = await em.execute<{ n: number }[]>(
    `with next as (select customer_id from queue_entry
                   where event_id = ? and state = 'waiting' and rank is not null
                   order by rank limit ? for update skip locked)
     update queue_entry q set state = 'admitted', admission_id = gen_random_uuid(), admitted_at = now(),
       expires_at = now() + make_interval(secs => ?)
     from next where q.event_id = ? and q.customer_id = next.customer_id
     returning 1 as n`,
    [eventId, count, ttlSeconds, eventId],
  );
  return rows.length;
}

export interface QueueCounts {
  /** Waiting, ranked or not. */
  waiting: number;
  unranked: number;
  /** Admitted and not yet expired: each may still take seats. */
  outstanding: number;
  used: number;
  usedLastMinute: number;
  expired: number;
}

export async function queueCounts(em: EntityManager, eventId: string): Promise<QueueCounts> {
  const [row] = await em.execute<QueueCounts[]>(
    `select count(*) filter (where state = 'waiting')::int as waiting,
       count(*) filter (where state = 'waiting' and rank is null)::int as unranked,
       count(*) filter (where state = 'admitted' and expires_at > now())::int as outstanding,
       count(*) filter (where state = 'used')::int as used,
       count(*) filter (where state = 'used' and used_at > now() - interval '1 minute')::int as "usedLastMinute",
       count(*) filter (where state = 'expired')::int as expired
     from queue_entry where event_id = ?`,
    [eventId],
  );
  return row!;
}

/** Records the rate the admitter admits at now, for the wait estimates of the queue's answers. */
export async function recordCurrentRate(em: EntityManager, eventId: string, ratePerMinute: number): Promise<void> {
  await em.execute('update on_sale set current_rate_per_minute = ? where event_id = ? and current_rate_per_minute is distinct from ?', [
    ratePerMinute,
    eventId,
    ratePerMinute,
  ]);
}
