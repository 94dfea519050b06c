// Infrastructure bootstrap shared by `npm start`, the test suite and CI: PostgreSQL and its databases, RabbitMQ, the Temporal CLI.
import { ensureDatabase } from '../db/orm.ts';
import { checkPostgres, checkRabbitMq } from './services.ts';
import { ensureTemporalCli, InfraError } from './temporal-cli.ts';

export interface BootstrapOptions {
  databaseUrls: string[];
  rabbitmqUrl: string;
  /** Whether missing databases are created here (tests recreate their own instead). */
  createDatabases: boolean;
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
      await checkPostgres(options.databaseUrls[0] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      if (!options.createDatabases) return [];
      const created: string[] = [];
      for (const url of options.databaseUrls) if (await ensureDatabase(url)) created.push(new URL(url).pathname.slice(1));
      return created;
    })(),
    checkRabbitMq(options.rabbitmqUrl),
    ensureTemporalCli(options.progress),
  ]);
  const problems = [postgres, rabbit, temporal]
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
  if (problems.length > 0 || postgres.status !== 'fulfilled' || temporal.status !== 'fulfilled') {
    throw new InfraError(problems.join('\n'));
  }
  return { temporalCli: temporal.value, createdDatabases: postgres.value };
}
