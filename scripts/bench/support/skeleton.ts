// The saga skeleton for P5, P6 and P8: its workflow bundled once, its worker started as a process of its own on a task
// queue of its own on the platform's Temporal server, and one booking through it (update-with-start for the hold,
// then the pay update) timed as a client sees it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bookingSkeleton, skeletonHold, skeletonPay } from '../skeleton/booking-skeleton.workflow.ts';
import { BENCH_DIR } from './platform.ts';

const WORKFLOW = fileURLToPath(new URL('../skeleton/booking-skeleton.workflow.ts', import.meta.url));
const WORKER = fileURLToPath(new URL('../skeleton/worker.ts', import.meta.url));

export interface Skeleton {
  taskQueue: string;
  /** One booking: hold, then pay; milliseconds of each as the client waited for them. */
  book(): Promise<{ workflowId: string; holdMs: number; payMs: number }>;
  stop(): Promise<void>;
}

export async function startSkeleton(client: Client, temporalAddress: string, say: (line: string) => void): Promise<Skeleton> {
  say('bundling the saga skeleton and starting its worker…');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOW,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error },
  });
  const bundle = join(BENCH_DIR, 'skeleton-bundle.js');
  writeFileSync(bundle, code);
  const taskQueue = `bench-skeleton-${randomUUID().slice(0, 8)}`;
  const log = createWriteStream(join(BENCH_DIR, 'skeleton-worker.log'), { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [WORKER], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, SKELETON_TASK_QUEUE: taskQueue, SKELETON_BUNDLE: bundle },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr!.pipe(log);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (chunk.toString().includes('skeleton worker polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the skeleton worker exited (${code}); see ${join(BENCH_DIR, 'skeleton-worker.log')}`)));
  });
  return {
    taskQueue,
    async book() {
      const workflowId = `bench-skeleton-${randomUUID()}`;
      const start = new WithStartWorkflowOperation(bookingSkeleton, {
        workflowId,
        taskQueue,
        workflowIdConflictPolicy: 'FAIL',
      });
      const t0 = performance.now();
      await client.workflow.executeUpdateWithStart(skeletonHold, { startWorkflowOperation: start });
      const t1 = performance.now();
      const handle = await start.workflowHandle();
      await handle.executeUpdate(skeletonPay);
      return { workflowId, holdMs: t1 - t0, payMs: performance.now() - t1 };
    },
    async stop() {
      child.kill('SIGTERM');
      // A worker still finishing its polls is not waited for past a few seconds.
      const late = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(late);
      log.end();
    },
  };
}
