// `npm start`: the whole platform on one machine — infrastructure check, Temporal (the dev server, or Temporal server
// over PostgreSQL with TEMPORAL_SERVER=server), mail catcher, five processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ADMIN_PASSWORD } from '../domain/users/default-admin.ts';
import { ConfigError, loadConfig, SERVICE_NAMES, type Config, type ServiceName } from '../common/config.ts';
import { bootstrap } from '../common/infra/bootstrap.ts';
import { ensureWebBuild } from './web.ts';
import { portOpen } from '../common/infra/ports.ts';
import { InfraError } from '../common/infra/system.ts';
import type { Daemon } from '../common/infra/daemon.ts';
import { startTemporalDevServer, temporalReachable } from '../common/infra/temporal-cli.ts';
import {
  DEFAULT_DATABASE_PREFIX,
  startTemporalServer,
  TEMPORAL_SERVER_VERSION,
  type TemporalServerBinaries,
} from '../common/infra/temporal-server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
type ProcessName = ServiceName | 'gateway' | 'maildev';
/** Each process's colour in the merged output; services take the next one in turn. */
const PALETTE = [32, 33, 35, 34, 31, 96];
const COLORS: Record<ProcessName, number> = {
  gateway: 36,
  maildev: 90,
  ...(Object.fromEntries(SERVICE_NAMES.map((s, i) => [s, PALETTE[i % PALETTE.length]!])) as Record<ServiceName, number>),
};

function say(line: string): void {
  console.log(`\x1b[1meventix\x1b[0m ${line}`);
}

function prefixOutput(child: ChildProcess, name: ProcessName): void {
  const tag = `\x1b[${COLORS[name]}m${name.padEnd(8)}\x1b[0m│ `;
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(tag + line));
  }
}

function portOf(url: string): number {
  const u = new URL(url);
  return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason) throw new InfraError(reason);
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new InfraError(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s`);
}

const children: { name: ProcessName; child: ChildProcess }[] = [];
let temporal: Daemon | undefined;
let stopping = false;

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  // The gateway first, then the services, then what they depend on.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => r(clearTimeout(timer)));
      });
    }
  }
  await temporal?.stop();
  say('stopped');
  process.exit(code);
}

/** Any piece that ends while the platform runs takes the platform down with it, saying which. */
function watch(name: string, exited: Promise<unknown>): void {
  void exited.then((how) => {
    if (!stopping) {
      say(`${name} exited (${String(how)}); stopping the platform`);
      void stopAll(1);
    }
  });
}

function start(name: ProcessName, args: string[], env: NodeJS.ProcessEnv): void {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  prefixOutput(child, name);
  children.push({ name, child });
  watch(name, new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code))));
}

async function main(config: Config): Promise<void> {
  // If whoever reads our output goes away, keep stopping cleanly instead of dying on EPIPE.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const dataDir = resolve(ROOT, config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  say(`checking PostgreSQL, RabbitMQ and ${config.temporal.server === 'dev' ? 'the Temporal CLI' : "Temporal server's binaries"}…`);
  const infra = await bootstrap({
    databaseUrls: SERVICE_NAMES.map((s) => config.services[s].databaseUrl),
    rabbitmqUrl: config.rabbitmq.url,
    temporalCli: config.temporal.cli,
    temporalServer: config.temporal.server,
    createDatabases: true,
    progress: say,
  });
  await startTemporal(config, infra.temporalServer === 'dev' ? infra.temporalCli : infra.temporalServerBinaries, dataDir);
  await startMailCatcher(config, dataDir);
  ensureWebBuild(say);
  const gatewayUrl = await startPlatform(config);
  printReady(config, gatewayUrl);
}

/**
 * Uses a Temporal server already listening on the configured address, or starts the one TEMPORAL_SERVER names: the
 * dev server with its data here, or Temporal server with its data in the local PostgreSQL and its config here.
 */
async function startTemporal(config: Config, binaries: string | TemporalServerBinaries, dataDir: string): Promise<void> {
  const [ip, port] = config.temporal.address.split(':');
  if (await temporalReachable(config.temporal.address)) {
    say(`Temporal already running at ${config.temporal.address}; using it`);
  } else if (typeof binaries !== 'string') {
    const postgres = new URL(config.services.users.databaseUrl).host;
    say(
      `starting Temporal server ${TEMPORAL_SERVER_VERSION} on ${config.temporal.address} (data in PostgreSQL at ${postgres}: ` +
        `${DEFAULT_DATABASE_PREFIX} and ${DEFAULT_DATABASE_PREFIX}_visibility; config and log in ${join(config.dataDir, 'temporal-server')})`,
    );
    temporal = await startTemporalServer({
      binaries,
      ip,
      port: Number(port),
      databases: { postgresUrl: config.services.users.databaseUrl, prefix: DEFAULT_DATABASE_PREFIX },
      dir: join(dataDir, 'temporal-server'),
      namespace: config.temporal.namespace,
    });
  } else {
    say(`starting the Temporal dev server on ${config.temporal.address} (data in ${join(config.dataDir, 'temporal.db')})`);
    temporal = await startTemporalDevServer({
      binary: binaries,
      ip,
      port: Number(port),
      uiPort: portOf(config.temporal.uiUrl),
      dbFile: join(dataDir, 'temporal.db'),
    });
  }

  if (temporal) watch('temporal', temporal.exited);
}

/** Uses a mail catcher already listening on the SMTP port, or starts maildev with its mail here. */
async function startMailCatcher(config: Config, dataDir: string): Promise<void> {
  const smtpPort = portOf(config.mail.smtpUrl.replace(/^smtps?:/, 'http:'));
  const mailUiPort = portOf(config.mail.uiUrl);
  if (await portOpen(smtpPort)) {
    say(`a mail catcher already listens on ${smtpPort}; using it`);
  } else if (await portOpen(mailUiPort)) {
    throw new InfraError(`port ${mailUiPort} (the mail catcher's web UI) is taken by another program; free it or set MAIL_UI_URL`);
  } else {
    // maildev exports no subpaths, so its command is found where npm installs it.
    const maildev = join(ROOT, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');
    const mailDir = join(dataDir, 'mail');
    mkdirSync(mailDir, { recursive: true });
    const args = [
      '--smtp',
      String(smtpPort),
      '--web',
      String(mailUiPort),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      '--mail-directory',
      mailDir,
    ];
    start('maildev', [maildev, ...args], process.env);
  }
}

/** Starts the services and the gateway, and answers the gateway's address once its health check passes. */
async function startPlatform(config: Config): Promise<string> {
  const env = { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty', EVENTIX_PARENT_PID: String(process.pid) };
  for (const name of [...SERVICE_NAMES, 'gateway'] as const) start(name, [join(ROOT, 'main.ts'), name], env);

  const gatewayUrl = `http://127.0.0.1:${config.gateway.port}`;
  await waitFor(
    'the platform',
    async () => {
      try {
        return (await fetch(`${gatewayUrl}/health`, { signal: AbortSignal.timeout(5_000) })).ok;
      } catch {
        return false;
      }
    },
    180_000,
    () => (stopping ? 'a process exited during start' : undefined),
  );
  return gatewayUrl;
}

function printReady(config: Config, gatewayUrl: string): void {
  const rows: [string, string][] = [
    ['Box office (web app)', `${gatewayUrl}/`],
    ['API gateway', `${gatewayUrl}/api/v1`],
    ['API docs (all services)', `${gatewayUrl}/docs`],
    ['Platform health', `${gatewayUrl}/health`],
    ...SERVICE_NAMES.map((s): [string, string] => [`${s} service docs`, `http://127.0.0.1:${config.services[s].port}/docs`]),
    ['Temporal Web UI', config.temporal.server === 'dev' ? config.temporal.uiUrl : 'not included with Temporal server (see README)'],
    ['Mail catcher', `${config.mail.uiUrl}/index.html`],
    ['RabbitMQ management', 'http://127.0.0.1:15672 (when the management plugin is enabled)'],
    ['Admin sign-in', `${config.auth.admin.email} / ${config.auth.admin.password ? '(ADMIN_PASSWORD)' : DEFAULT_ADMIN_PASSWORD}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  say('ready. Ctrl-C stops everything.');
  for (const [label, url] of rows) console.log(`  ${label.padEnd(width)}  ${url}`);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? `eventix: ${err.message}` : err);
  process.exit(2);
}
try {
  await main(config);
} catch (err) {
  console.error(err instanceof InfraError ? err.message : `eventix: could not start: ${(err as Error).message}`);
  await stopAll(1);
}
