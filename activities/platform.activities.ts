// Activities every service's worker answers: a ping that proves the worker polls its queue and reaches its database.
import type { Orm } from '../common/db/orm.ts';

export interface PingResult {
  service: string;
  database: string;
  at: string;
}

export function createPlatformActivities(deps: { service: string; orm: Orm }) {
  return {
    async ping(): Promise<PingResult> {
      const rows = await deps.orm.em.fork().getConnection().execute<{ database: string }[]>('select current_database() as database');
      return { service: deps.service, database: rows[0]?.database ?? 'unknown', at: new Date().toISOString() };
    },
  };
}

export type PlatformActivities = ReturnType<typeof createPlatformActivities>;
