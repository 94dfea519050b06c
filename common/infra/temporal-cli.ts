// Finds the Temporal CLI (PATH, TEMPORAL_CLI or Go's bin folder) or builds it with `go install`, and runs its dev server.
import { Connection } from '@temporalio/client';
import { startDaemon } from './daemon.ts';
import { ensureGoTool, findGoTool, type GoTool } from './go-tools.ts';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
export const SEARCH_ATTRIBUTES = ['BookingStatus=Keyword', 'EventId=Keyword', 'CustomerId=Keyword'];

export const TEMPORAL_CLI: GoTool = {
  title: 'the Temporal CLI',
  binary: 'temporal',
  module: TEMPORAL_CLI_MODULE,
  envVar: 'TEMPORAL_CLI',
  buildTime: '3 to 7 minutes',
  withoutGo:
    'install Go and run again, or install the Temporal CLI from Temporal (for example `brew install temporal`) and put it on PATH ' +
    'or in TEMPORAL_CLI, or run the platform with `docker compose up`.',
};

/** The configured binary (TEMPORAL_CLI), else `temporal` on PATH, else the one `go install` left in Go's bin folder. */
export function findTemporalCli(configured?: string): string | undefined {
  return findGoTool(TEMPORAL_CLI, configured);
}

/** Returns the Temporal CLI, building it with Go when it is missing; `progress` gets a line every few seconds. */
export function ensureTemporalCli(configured: string | undefined, progress: (line: string) => void): Promise<string> {
  return ensureGoTool(TEMPORAL_CLI, configured, progress);
}

export async function temporalReachable(address: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    try {
      await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

export interface DevServerOptions {
  binary: string;
  port: number;
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  dbFile?: string;
  ip?: string;
  logFile?: string;
}

export interface DevServer {
  address: string;
  /** Resolves when the server process ends, for whatever reason. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', 'warn', '--log-format', 'json'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const attribute of SEARCH_ATTRIBUTES) args.push('--search-attribute', attribute);
  const address = `${ip}:${options.port}`;
  const daemon = await startDaemon({
    title: 'the Temporal dev server',
    binary: options.binary,
    args,
    ready: () => temporalReachable(address, 500),
  });
  return { address, ...daemon };
}
