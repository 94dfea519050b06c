// Fixed-window counters in the users database, shared by every instance of the service.
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../common/errors/domain-error.ts';

export interface WindowCount {
  hits: number;
  resetAt: Date;
}

/** Counts one hit against `key` and answers the window's total. */
export async function hit(em: EntityManager, key: string, windowSeconds: number): Promise<WindowCount> {
  const [row] = await em.execute<{ hits: number; reset_at: Date }[]>(
    `insert into rate_limit (key, window_started_at, hits) values (?, now(), 1)
     on conflict (key) do update set
       hits = case when rate_limit.window_started_at <= now() - make_interval(secs => ?) then 1 else rate_limit.hits + 1 end,
       window_started_at = case when rate_limit.window_started_at <= now() - make_interval(secs => ?) then now() else rate_limit.window_started_at end
     returning hits, window_started_at + make_interval(secs => ?) as reset_at`,
    [key, windowSeconds, windowSeconds, windowSeconds],
  );
  return { hits: row!.hits, resetAt: new Date(row!.reset_at) };
}

export async function clear(em: EntityManager, key: string): Promise<void> {
  await em.execute('delete from rate_limit where key = ?', [key]);
}

export function tooManyRequests(detail: string, resetAt: Date): DomainError {
  const seconds = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
  return new DomainError('rate_limited', 'TOO_MANY_REQUESTS', `${detail} Try again in ${seconds} s.`, { retryAfterSeconds: seconds });
}
