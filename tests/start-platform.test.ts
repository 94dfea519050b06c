import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { freePort, portOpen } from '../common/infra/ports.ts';
import { platformCheckWorkflow } from '../workflows/platform-check.workflow.ts';
import { WORKFLOW_TASK_QUEUE } from '../workflows/task-queues.ts';
import { testEnv } from './support/context.ts';

const START = fileURLToPath(new URL('../scripts/start.ts', import.meta.url));

interface Platform {
  output: () => string;
  /** Sends Ctrl-C's signal and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

async function startPlatform(env: Record<string, string>): Promise<Platform> {
  const child = spawn(process.execPath, [START], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 120_000;
  while (!output.includes('ready. Ctrl-C stops everything.')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the platform did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    output: () => output,
    interrupt: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eventix-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('brings the whole platform up, stops every piece on Ctrl-C, and keeps Temporal data for the next start', async () => {
    const ports: number[] = [];
    while (ports.length < 9) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const [gateway, users, events, bookings, payments, temporalPort, temporalUi, smtp, mailUi] = ports as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const env = testEnv({
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: String(gateway),
      USERS_PORT: String(users),
      EVENTS_PORT: String(events),
      BOOKINGS_PORT: String(bookings),
      PAYMENTS_PORT: String(payments),
      // A dev server of its own, so the namespace every dev server has.
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_UI_URL: `http://127.0.0.1:${temporalUi}`,
      SMTP_URL: `smtp://127.0.0.1:${smtp}`,
      MAIL_UI_URL: `http://127.0.0.1:${mailUi}`,
    });

    const first = await startPlatform(env);
    let workflowId: string;
    try {
      const health = await fetch(`http://127.0.0.1:${gateway}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        infrastructure: { postgres: { status: 'ok' }, rabbitmq: { status: 'ok' }, temporal: { status: 'ok' } },
      });
      expect((await fetch(`http://127.0.0.1:${temporalUi}/`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${mailUi}/index.html`)).status).toBe(200);
      expect(first.output()).toContain(`http://127.0.0.1:${gateway}/docs`);

      const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
      workflowId = `platform-check-start-${Date.now()}`;
      const result = await new Client({ connection }).workflow.execute(platformCheckWorkflow, {
        taskQueue: WORKFLOW_TASK_QUEUE,
        workflowId,
      });
      expect(result.services).toHaveLength(4);
      await connection.close();
    } finally {
      expect(await first.interrupt()).toBe(0);
    }
    for (const port of [gateway, users, events, bookings, payments, temporalPort, smtp, mailUi]) expect(await portOpen(port)).toBe(false);

    const second = await startPlatform(env);
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
      const described = await new Client({ connection }).workflow.getHandle(workflowId).describe();
      expect(described.status.name).toBe('COMPLETED');
      await connection.close();
    } finally {
      expect(await second.interrupt()).toBe(0);
    }
  }, 240_000);
});
