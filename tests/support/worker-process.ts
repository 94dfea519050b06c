// A service's Temporal worker in a process of its own, so a test can kill it (SIGKILL) and start it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '../../common/config.ts';
import { inject } from 'vitest';
import { testEnv } from './context.ts';

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));

export interface WorkerProcess {
  /** The identity the worker gives Temporal (the SDK's default, pid@host): its tasks carry it in the history. */
  identity: string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorkerProcess(service: ServiceName, overrides: Record<string, string>): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, service], {
    env: {
      PATH: process.env.PATH ?? '',
      ...testEnv({
        ...overrides,
        SERVICE_MODE: 'worker',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        // The run's bundle: a restarted worker polls within a second or two.
        TEMPORAL_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Temporal worker polling')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${service} worker did not start:\n${output.slice(-2_000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    identity: `${child.pid}@${hostname()}`,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
