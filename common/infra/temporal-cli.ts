// Finds the Temporal CLI (PATH, TEMPORAL_CLI or Go's bin folder) or builds it with `go install`, and runs its dev server.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { InfraError, which } from './system.ts';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
export const SEARCH_ATTRIBUTES = ['BookingStatus=Keyword', 'EventId=Keyword', 'CustomerId=Keyword'];

function goBinDir(): string | undefined {
  if (!which('go')) return undefined;
  const gopath = spawnSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).stdout?.trim();
  return gopath ? join(gopath.split(':')[0] ?? gopath, 'bin') : undefined;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The configured binary (TEMPORAL_CLI), else `temporal` on PATH, else the one `go install` left in Go's bin folder. */
export function findTemporalCli(configured?: string): string | undefined {
  if (configured) {
    if (!executable(configured)) throw new InfraError(`TEMPORAL_CLI is set to ${configured}, which is not an executable file`);
    return configured;
  }
  const onPath = which('temporal');
  if (onPath) return onPath;
  const goBin = goBinDir();
  const built = goBin && join(goBin, 'temporal');
  return built && existsSync(built) && executable(built) ? built : undefined;
}

/** Returns the Temporal CLI, building it with Go when it is missing; `progress` gets a line every few seconds. */
export async function ensureTemporalCli(configured: string | undefined, progress: (line: string) => void): Promise<string> {
  const existing = findTemporalCli(configured);
  if (existing) return existing;
  if (!which('go')) {
    throw new InfraError(
      'Temporal CLI not found and Go is not installed: install Go and run again, or install the Temporal CLI from Temporal ' +
        '(for example `brew install temporal`) and put it on PATH or in TEMPORAL_CLI, or run the platform with `docker compose up`.',
    );
  }
  const started = Date.now();
  progress(`building the Temporal CLI (go install ${TEMPORAL_CLI_MODULE}); the first build takes 3 to 7 minutes`);
  const child = spawn('go', ['install', TEMPORAL_CLI_MODULE], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const timer = setInterval(() => progress(`still building the Temporal CLI… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      stderr += `\n${err.message}`;
      resolve(null);
    });
    child.once('close', resolve);
  });
  clearInterval(timer);
  const built = findTemporalCli();
  if (code !== 0 || !built) {
    const lastLine = stderr.trim().split('\n').pop() ?? '';
    throw new InfraError(`could not build the Temporal CLI (go install exited ${code}): ${lastLine}`);
  }
  progress(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s: ${built}`);
  return built;
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
  const child = spawn(options.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const address = `${ip}:${options.port}`;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.once('error', () => resolve(null));
  });
  const stop = async () => {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (spawnError) throw new InfraError(`could not run the Temporal CLI at ${options.binary}: ${spawnError.message}`);
    if (child.exitCode !== null) throw new InfraError(`the Temporal dev server exited at start: ${stderr.trim().split('\n').pop() ?? ''}`);
    if (await temporalReachable(address, 500)) return { address, exited, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new InfraError(`the Temporal dev server did not answer on ${address} within 60 s`);
}
