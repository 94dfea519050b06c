// A helper process the platform or the tests run (the Temporal dev server, stripe-mock): started, waited for until it
// answers, stopped with SIGTERM (then SIGKILL), and told about in one line if it fails.
import { spawn } from 'node:child_process';
import { InfraError } from './system.ts';

export interface Daemon {
  /** Resolves when the process ends, for whatever reason. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  title: string;
  binary: string;
  args: string[];
  /** Answers true once the process serves. */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const child = spawn(options.binary, options.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
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
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError) throw new InfraError(`could not run ${options.title} at ${options.binary}: ${spawnError.message}`);
    if (child.exitCode !== null) throw new InfraError(`${options.title} exited at start: ${stderr.trim().split('\n').pop() ?? ''}`);
    if (await options.ready()) return { exited, stop };
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new InfraError(`${options.title} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}
