// Infrastructure bootstrap shared by `npm start`, the test suite and CI: PostgreSQL and its databases, RabbitMQ, the Temporal CLI.
import { ensureDatabase } from '../db/orm.ts';
import { checkPostgres, checkRabbitMq } from './services.ts';
import { InfraError } from './system.ts';
import { ensureTemporalCli } from './temporal-cli.ts';

export interface BootstrapOptions {
  databaseUrls: string[];
  rabbitmqUrl: string;
  /** Whether missing databases are created here (tests recreate their own instead). */
  createDatabases: boolean;
  /** A Temporal CLI binary to use instead of looking for one (TEMPORAL_CLI). */
  temporalCli?: string;
  progress: (line: string) => void;
}

export interface BootstrapResult {
  temporalCli: string;
  createdDatabases: string[];
}

/** Checks every piece at once and throws one InfraError listing each missing one, a line apiece. */
export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const [postgres, rabbit, temporal] = await Promise.allSettled([
    (async () => {
      // Services may keep their databases on different servers: each server is checked once.
      const servers = new Map(options.databaseUrls.map((url) => [new URL(url).host, url]));
      const checks = await Promise.allSettled([...servers.values()].map((url) => checkPostgres(url)));
      const down = checks.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (down.length > 0) throw new InfraError(down.map((r) => (r.reason as Error).message).join('\n'));
      if (!options.createDatabases) return [];
      const created: string[] = [];
      for (const url of options.databaseUrls) if (await ensureDatabase(url)) created.push(new URL(url).pathname.slice(1));
      return created;
    })(),
    checkRabbitMq(options.rabbitmqUrl),
    ensureTemporalCli(options.temporalCli, options.progress),
  ]);
  const problems = [postgres, rabbit, temporal]
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
  if (problems.length > 0 || postgres.status !== 'fulfilled' || temporal.status !== 'fulfilled') {
    throw new InfraError(problems.join('\n'));
  }
  return { temporalCli: temporal.value, createdDatabases: postgres.value };
}
