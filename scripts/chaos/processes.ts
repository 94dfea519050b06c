// The platform as separate processes the fault harness controls: its own databases, RabbitMQ exchange and Temporal
// dev server, each service split into API and worker processes, two bookings APIs and two gateways. Any of them can be
// killed (SIGKILL by default) and started again with the same settings, so a fault hits one process and nothing else.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { SMTPServer } from 'smtp-server';
import { loadConfig, SERVICE_NAMES, type Config, type ServiceName } from '../../common/config.ts';
import { openServiceOrm, type Orm } from '../../common/db/orm.ts';
import { bootstrap } from '../../common/infra/bootstrap.ts';
import { freePort } from '../../common/infra/ports.ts';
import { SEARCH_ATTRIBUTES, temporalReachable } from '../../common/infra/temporal-cli.ts';
import { dropTemporalDatabases, freeServerPorts, startTemporalServer } from '../../common/infra/temporal-server.ts';
import { deadLetterExchange } from '../../common/messaging/queues.ts';
import { connectTemporal, type Temporal } from '../../common/temporal/temporal.ts';
import { consumerQueues, ormSettings, recreateServiceDatabases } from '../../workers/services.ts';
import { bundleWorkflows } from '../../workers/temporal-worker.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** How long the harness's mail sink takes to accept a message. */
const MAIL_DELAY_MS = 300;
const MAIN = join(ROOT, 'main.ts');

/** Every process of the platform by name; a fault names the ones it hits. */
export const PROCESS_NAMES = [
  'users-api',
  'users-worker',
  'events-api',
  'events-worker',
  'payments-api',
  'payments-worker',
  'bookings-api-1',
  'bookings-api-2',
  'bookings-worker',
  'gateway-1',
  'gateway-2',
] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

export interface PlatformOptions {
  /** Names the databases (eventix_<run>_<service>), the exchange and the data folder, so two runs keep apart. */
  run: string;
  holdTtlSeconds: number;
  /** How long the test card network sits on pm_card_visa_slow before answering. */
  slowCardMs: number;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /**
   * Which Temporal the run starts: the CLI's dev server (the default) or Temporal server over the local PostgreSQL,
   * on databases of the run's own (`eventix_<run>_temporal…`, recreated at start).
   */
  temporal?: 'dev' | 'server';
}

export interface Platform {
  config: Config;
  dataDir: string;
  gatewayUrls: string[];
  orms: Record<ServiceName, Orm>;
  temporal: Temporal;
  /** Sends `signal` (SIGKILL unless told) and waits for the process to end. */
  kill(name: ProcessName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped process again, with `env` over its usual settings, and waits until it serves. */
  start(name: ProcessName, env?: Record<string, string>): Promise<void>;
  /** Starts again any process that is not running (after a fault whose restart failed), so the next scenario finds them all. */
  ensureRunning(): Promise<void>;
  killTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  /** The harness's own RabbitMQ connection (opened again after an outage). */
  broker(): Promise<amqp.ChannelModel>;
  /** Asks RabbitMQ for the number of messages waiting in a queue. */
  queueDepth(queue: string): Promise<number>;
  publish(routingKey: string, content: Buffer, options: amqp.Options.Publish): Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
}

const say = (line: string) => console.log(`[chaos] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(200);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const run = options.run.replace(/[^a-z0-9_]/gi, '').toLowerCase();
  const dataDir = join(ROOT, 'data', run.replace(/_/g, '-'));
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });

  // Ports are fixed for the whole run so a restarted process comes back where the gateways and services look for it.
  const apiPorts = {
    users: await freePort(),
    events: await freePort(),
    payments: await freePort(),
    'bookings-1': await freePort(),
    'bookings-2': await freePort(),
    'gateway-1': await freePort(),
    'gateway-2': await freePort(),
  };
  const temporalPort = await freePort();
  const base = loadConfig({});
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    // The processes stop by themselves if the harness dies without stopping them.
    EVENTIX_PARENT_PID: String(process.pid),
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    RABBITMQ_URL: process.env.RABBITMQ_URL ?? base.rabbitmq.url,
    RABBITMQ_EXCHANGE: `eventix.${run}.${process.pid}`,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    GATEWAY_SECRET: randomBytes(32).toString('base64url'),
    // Every customer of the load signs in from 127.0.0.1.
    LOGIN_LIMIT_PER_IP: '1000000',
    LOGIN_LIMIT_PER_ACCOUNT: '1000',
    BOOKING_HOLD_TTL_SECONDS: String(options.holdTtlSeconds),
    TEST_GATEWAY_SLOW_MS: String(options.slowCardMs),
    SMTP_URL: 'smtp://127.0.0.1:9',
    USERS_URLS: `http://127.0.0.1:${apiPorts.users}`,
    EVENTS_URLS: `http://127.0.0.1:${apiPorts.events}`,
    PAYMENTS_URLS: `http://127.0.0.1:${apiPorts.payments}`,
    BOOKINGS_URLS: `http://127.0.0.1:${apiPorts['bookings-1']},http://127.0.0.1:${apiPorts['bookings-2']}`,
    ...options.env,
  };
  for (const service of SERVICE_NAMES) {
    const url = new URL(base.services[service].databaseUrl);
    url.pathname = `/eventix_${run}_${service}`;
    env[`${service.toUpperCase()}_DATABASE_URL`] = url.toString();
  }
  const config = loadConfig(env);

  const infra = await bootstrap({
    databaseUrls: SERVICE_NAMES.map((s) => config.services[s].databaseUrl),
    rabbitmqUrl: config.rabbitmq.url,
    temporalCli: process.env.TEMPORAL_CLI,
    temporalServer: options.temporal ?? 'dev',
    createDatabases: false,
    progress: say,
  });
  // Mail goes to a sink of our own that takes its time (as a real mail server does): each notification then spends
  // a while between taking its fact and committing, which is where a kill finds a consumer that acks too early.
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, done) {
      stream.on('data', () => undefined);
      stream.on('end', () => setTimeout(done, MAIL_DELAY_MS));
    },
  });
  const smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
  env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;

  say('building the workflow bundle and migrating fresh databases…');
  const bundlePath = join(dataDir, 'workflow-bundle.js');
  const [bundle] = await Promise.all([bundleWorkflows(), recreateServiceDatabases(config)]);
  writeFileSync(bundlePath, bundle);
  env.TEMPORAL_WORKFLOW_BUNDLE = bundlePath;

  // The Temporal dev server on a database file of its own, so a killed server comes back with its workflows; or
  // Temporal server on PostgreSQL databases of the run's own, on ports kept for the whole run.
  let temporalServer: { alive(): boolean; kill(signal: NodeJS.Signals): void; exited: Promise<unknown> } | undefined;
  const temporalDb = join(dataDir, 'temporal.db');
  const serverPorts = infra.temporalServer === 'server' ? await freeServerPorts() : undefined;
  const temporalDatabases = { postgresUrl: config.services.users.databaseUrl, prefix: `eventix_${run}_temporal` };
  if (infra.temporalServer === 'server') await dropTemporalDatabases(infra.temporalServerBinaries.sqlTool, temporalDatabases);
  const startTemporal = async () => {
    if (infra.temporalServer === 'server') {
      say(`starting Temporal server on ${config.temporal.address} (databases ${temporalDatabases.prefix}…)`);
      const server = await startTemporalServer({
        binaries: infra.temporalServerBinaries,
        ip: '127.0.0.1',
        port: temporalPort,
        ports: serverPorts,
        databases: temporalDatabases,
        dir: join(dataDir, 'temporal-server'),
        namespace: config.temporal.namespace,
      });
      let alive = true;
      const exited = server.exited.finally(() => (alive = false));
      // Temporal server stops only as a whole (its stop ends every service of it): any signal asked for stops it.
      temporalServer = { alive: () => alive, kill: () => void server.stop(), exited };
      return;
    }
    const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(temporalPort)];
    args.push('--db-filename', temporalDb, '--log-level', 'warn', '--log-format', 'json');
    for (const attribute of SEARCH_ATTRIBUTES) args.push('--search-attribute', attribute);
    const dev = spawnLogged(infra.temporalCli, args, join(logDir, 'temporal.log'), process.env);
    temporalServer = {
      alive: () => dev.child.exitCode === null && dev.child.signalCode === null,
      kill: (signal) => dev.child.kill(signal),
      exited: dev.exited,
    };
    await until('the Temporal dev server did not answer', () => temporalReachable(config.temporal.address, 500), 60_000);
  };
  await startTemporal();

  const running = new Map<ProcessName, Running>();
  const settingsOf = (
    name: ProcessName,
  ): { service: ServiceName | 'gateway'; env: Record<string, string>; ready: () => Promise<boolean> } => {
    const [service, role, instance] = name.split('-') as [ServiceName | 'gateway', string, string | undefined];
    if (service === 'gateway') {
      const port = apiPorts[name as 'gateway-1' | 'gateway-2'];
      return { service, env: { GATEWAY_PORT: String(port) }, ready: () => answers(`http://127.0.0.1:${port}/health`) };
    }
    if (role === 'worker') {
      const log = join(logDir, `${name}.log`);
      return { service, env: { SERVICE_MODE: 'worker' }, ready: () => Promise.resolve(logHas(log, 'Temporal worker polling')) };
    }
    const port = service === 'bookings' ? apiPorts[`bookings-${instance}` as 'bookings-1'] : apiPorts[service];
    return {
      service,
      env: { SERVICE_MODE: 'api', [`${service.toUpperCase()}_PORT`]: String(port) },
      ready: () => answers(`http://127.0.0.1:${port}/health`),
    };
  };
  const start = async (name: ProcessName, extra: Record<string, string> = {}) => {
    const settings = settingsOf(name);
    const log = join(logDir, `${name}.log`);
    const child = spawnLogged(process.execPath, [MAIN, settings.service], log, { ...env, ...settings.env, ...extra });
    running.set(name, child);
    await until(
      `${name} did not start (see ${log})`,
      async () => {
        if (child.child.exitCode !== null) throw new Error(`${name} exited at start (see ${log})`);
        return settings.ready();
      },
      90_000,
    );
  };
  const kill = async (name: ProcessName, signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = running.get(name);
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    proc.child.kill(signal);
    await proc.exited;
  };

  say('starting the platform…');
  // The users API first: it makes the default admin, and every other process follows its revocation feed.
  await start('users-api');
  await Promise.all(PROCESS_NAMES.filter((n) => n !== 'users-api' && !n.startsWith('gateway')).map((n) => start(n)));
  await Promise.all([start('gateway-1'), start('gateway-2')]);

  const orms = {} as Record<ServiceName, Orm>;
  for (const service of SERVICE_NAMES) orms[service] = await openServiceOrm(ormSettings(service, config), { migrate: false });
  const temporal = await connectTemporal(config);
  const broker = await amqp.connect(config.rabbitmq.url);
  say(`platform up; logs in ${logDir}`);

  // The harness's own broker connection goes when RabbitMQ does; it is opened again when needed.
  let connection: amqp.ChannelModel | undefined;
  const adopt = (model: amqp.ChannelModel) => {
    model.on('error', () => undefined);
    model.once('close', () => {
      if (connection === model) connection = undefined;
    });
    connection = model;
    return model;
  };
  adopt(broker);
  const model = async () => connection ?? adopt(await amqp.connect(config.rabbitmq.url));
  const channel = async () => (await model()).createConfirmChannel();

  return {
    config,
    dataDir,
    gatewayUrls: [`http://127.0.0.1:${apiPorts['gateway-1']}`, `http://127.0.0.1:${apiPorts['gateway-2']}`],
    orms,
    temporal,
    kill,
    start,
    broker: model,
    async ensureRunning() {
      if (!temporalServer?.alive()) await startTemporal();
      const down = PROCESS_NAMES.filter((n) => {
        const child = running.get(n)?.child;
        return !child || child.exitCode !== null || child.signalCode !== null;
      });
      if (down.length) say(`starting again: ${down.join(', ')}`);
      await Promise.all(down.map((n) => start(n)));
    },
    async killTemporal() {
      temporalServer?.kill('SIGKILL');
      await temporalServer?.exited;
    },
    startTemporal,
    async queueDepth(queue) {
      const ch = await channel();
      try {
        return (await ch.checkQueue(queue)).messageCount;
      } finally {
        await ch.close().catch(() => undefined);
      }
    },
    async publish(routingKey, content, publishOptions) {
      const ch = await channel();
      try {
        ch.publish(config.rabbitmq.exchange, routingKey, content, publishOptions);
        await ch.waitForConfirms();
      } finally {
        await ch.close().catch(() => undefined);
      }
    },
    async stop() {
      for (const name of [...PROCESS_NAMES].reverse()) await kill(name, 'SIGTERM');
      await temporal.close().catch(() => undefined);
      for (const orm of Object.values(orms)) await orm.close();
      temporalServer?.kill('SIGTERM');
      await temporalServer?.exited;
      smtp.close();
      // The run's queues and exchanges go with it, as the test setup's do.
      try {
        connection ??= await amqp.connect(config.rabbitmq.url);
        const ch = await connection.createChannel();
        for (const queue of consumerQueues(config)) await ch.deleteQueue(queue);
        await ch.deleteExchange(deadLetterExchange(config.rabbitmq.exchange));
        await ch.deleteExchange(config.rabbitmq.exchange);
        await connection.close();
      } catch (err) {
        say(`could not remove the run's queues: ${(err as Error).message}`);
      }
    },
  };
}

/** Output lines seen per log file, so a worker's readiness is read from what it printed. */
const seen = new Map<string, string>();

function logHas(log: string, text: string): boolean {
  return (seen.get(log) ?? '').includes(text);
}

function spawnLogged(binary: string, args: string[], log: string, env: NodeJS.ProcessEnv): Running {
  const file = createWriteStream(log, { flags: 'a' });
  file.write(`--- started ${new Date().toISOString()}\n`);
  seen.set(log, '');
  const child = spawn(binary, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      file.write(chunk);
      seen.set(log, ((seen.get(log) ?? '') + chunk.toString()).slice(-20_000));
    });
  }
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      file.end(`--- exited ${new Date().toISOString()} (${signal ?? code})\n`);
      resolve();
    }),
  );
  return { child, exited };
}
