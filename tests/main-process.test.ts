import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../common/infra/ports.ts';
import { testEnv } from './support/context.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMain(args: string[], env: Record<string, string>, whileRunning?: (stdout: () => string) => Promise<void>): Promise<Run> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return (async () => {
    if (whileRunning) {
      try {
        await whileRunning(() => stdout);
      } finally {
        child.kill('SIGTERM');
      }
    }
    const code = await exited;
    return { code, stdout, stderr };
  })();
}

describe('a service process', () => {
  it('stops with one readable line when a port is not a number', async () => {
    const run = await runMain(['users'], testEnv({ USERS_PORT: 'http' }));
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^eventix users: invalid configuration: USERS_PORT: .*"http"/)]);
  });

  it('stops with one readable line when its database is unreachable', async () => {
    const deadPort = await freePort();
    const run = await runMain(
      ['payments'],
      testEnv({ PAYMENTS_DATABASE_URL: `postgres://postgres@127.0.0.1:${deadPort}/eventix_payments` }),
    );
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^eventix payments: cannot start: PostgreSQL is not reachable at 127.0.0.1:${deadPort}`));
  });

  it('refuses to run the users service in production without configured signing keys', async () => {
    const run = await runMain(['users'], testEnv({ NODE_ENV: 'production' }));
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^eventix users: cannot start: AUTH_KEYS_FILE must name the token signing keys in production/);
  });

  it('names the processes it can run when given none', async () => {
    const run = await runMain([], testEnv());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: node main.ts <gateway|users|events|bookings|payments>');
  });

  it('starts, answers /health, /ready and /docs, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const run = await runMain(['payments'], testEnv({ PAYMENTS_PORT: String(port), LOG_LEVEL: 'info' }), async (stdout) => {
      const deadline = Date.now() + 20_000;
      while (!stdout().includes('payments service listening')) {
        if (Date.now() > deadline) throw new Error(`service did not start: ${stdout()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const ready = (await (await fetch(`${base}/ready`)).json()) as { status: string };
      expect(ready.status).toBe('ok');
      expect((await fetch(`${base}/docs`)).status).toBe(200);
      expect(stdout()).toContain('Temporal worker polling');
    });
    expect(run.code).toBe(0);
  });
});
