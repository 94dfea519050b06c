// Infrastructure bootstrap shared by `npm start`, the test suite and CI: PostgreSQL and its databases, RabbitMQ, and
// Temporal (the CLI for its dev server, or Temporal server's two binaries).
import { ensureDatabase } from '../db/orm.ts';
import { checkPostgres, checkRabbitMq } from './services.ts';
import { InfraError } from './system.ts';
import { ensureTemporalCli } from './temporal-cli.ts';
import { ensureTemporalServer, type TemporalServerBinaries } from './temporal-server.ts';

export interface BootstrapOptions {
  databaseUrls: string[];
  rabbitmqUrl: string;
  /** Whether missing databases are created here (tests recreate their own instead). */
  createDatabases: boolean;
  /** A Temporal CLI binary to use instead of looking for one (TEMPORAL_CLI). */
  temporalCli?: string;
  /** Which Temporal is wanted (TEMPORAL_SERVER): the CLI's dev server (the default) or Temporal server. */
  temporalServer?: 'dev' | 'server';
  progress: (line: string) => void;
}

export interface DevBootstrapResult {
  temporalServer: 'dev';
  temporalCli: string;
  createdDatabases: string[];
}

export interface ServerBootstrapResult {
  temporalServer: 'server';
  temporalServerBinaries: TemporalServerBinaries;
  createdDatabases: string[];
}

export type BootstrapResult = DevBootstrapResult | ServerBootstrapResult;

/** Checks every piece at once and throws one InfraError listing each missing one, a line apiece. */
export function bootstrap(options: BootstrapOptions & { temporalServer?: 'dev' }): Promise<DevBootstrapResult>;
export function bootstrap(options: BootstrapOptions & { temporalServer: 'server' }): Promise<ServerBootstrapResult>;
export function bootstrap(options: BootstrapOptions): Promise<BootstrapResult>;
export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const wantServer = options.temporalServer === 'server';
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
    wantServer ? ensureTemporalServer(options.progress) : ensureTemporalCli(options.temporalCli, options.progress),
  ]);
  const problems = [postgres, rabbit, temporal]
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
  if (problems.length > 0 || postgres.status !== 'fulfilled' || temporal.status !== 'fulfilled') {
    throw new InfraError(problems.join('\n'));
  }
  const createdDatabases = postgres.value;
  return wantServer
    ? { temporalServer: 'server', temporalServerBinaries: temporal.value as TemporalServerBinaries, createdDatabases }
    : { temporalServer: 'dev', temporalCli: temporal.value as string, createdDatabases };
}
