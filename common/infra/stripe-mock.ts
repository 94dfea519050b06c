// stripe-mock: a local server that answers like Stripe's API and validates every request against its published
// OpenAPI spec. The Stripe adapter's conformance tests run against it.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './daemon.ts';
import type { GoTool } from './go-tools.ts';
import { portOpen } from './ports.ts';

export const STRIPE_MOCK: GoTool = {
  title: 'stripe-mock',
  binary: 'stripe-mock',
  module: 'github.com/stripe/stripe-mock@v0.203.0',
  envVar: 'STRIPE_MOCK',
  buildTime: 'a few seconds',
  withoutGo: 'install Go and run again, or put a stripe-mock binary on PATH or in STRIPE_MOCK.',
};

export async function startStripeMock(options: { binary: string; port: number }): Promise<Daemon & { url: string }> {
  const daemon = await startDaemon({
    title: 'stripe-mock',
    binary: options.binary,
    // HTTPS would take port 12112 unless told otherwise: a private socket keeps runs side by side apart.
    args: [
      '-http-addr',
      `127.0.0.1:${options.port}`,
      '-https-unix',
      join(tmpdir(), `eventix-stripe-mock-${process.pid}-${options.port}.sock`),
    ],
    ready: () => portOpen(options.port),
    timeoutMs: 30_000,
  });
  return { url: `http://127.0.0.1:${options.port}`, ...daemon };
}
