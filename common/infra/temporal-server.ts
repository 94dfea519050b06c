// Temporal server proper (not the CLI's dev server) over PostgreSQL: its two binaries built with `go install` when
// missing, its schema created and upgraded with its SQL tool, a config file written into the data folder, the server
// run as a daemon, and the namespace Eventix uses registered with the search attributes its workflows upsert.
// The dev server keeps everything in one SQLite connection; this one spreads the work over history shards and a
// PostgreSQL pool, which is what the benchmarks need to measure Eventix rather than SQLite.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { startDaemon } from './daemon.ts';
import { ensureGoTool, type GoTool } from './go-tools.ts';
import { freePort, portOpen } from './ports.ts';
import { InfraError } from './system.ts';
import { SEARCH_ATTRIBUTES, temporalReachable } from './temporal-cli.ts';

export const TEMPORAL_SERVER_VERSION = '1.29.1';

const withoutGo =
  'install Go and run again, or put Temporal server 1.29 release binaries (temporal-server and temporal-sql-tool) on PATH ' +
  'or in TEMPORAL_SERVER_BINARY and TEMPORAL_SQL_TOOL, or use TEMPORAL_SERVER=dev.';

export const TEMPORAL_SERVER_TOOL: GoTool = {
  title: 'the Temporal server',
  // go install names the binary after the module's folder; releases call it temporal-server.
  binary: 'server',
  pathNames: ['temporal-server'],
  module: `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
  envVar: 'TEMPORAL_SERVER_BINARY',
  buildTime: '3 to 8 minutes',
  withoutGo,
  versionCheck: { args: ['--version'], expect: TEMPORAL_SERVER_VERSION },
};

export const TEMPORAL_SQL_TOOL: GoTool = {
  title: "the Temporal server's SQL schema tool",
  binary: 'sql',
  pathNames: ['temporal-sql-tool'],
  module: `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
  envVar: 'TEMPORAL_SQL_TOOL',
  buildTime: 'a minute or two after the server',
  withoutGo,
  versionCheck: { args: ['--version'], expect: TEMPORAL_SERVER_VERSION },
};

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

/** Both binaries (TEMPORAL_SERVER_BINARY / TEMPORAL_SQL_TOOL, PATH, Go's bin folder), built one after the other when missing. */
export async function ensureTemporalServer(progress: (line: string) => void): Promise<TemporalServerBinaries> {
  const server = await ensureGoTool(TEMPORAL_SERVER_TOOL, process.env[TEMPORAL_SERVER_TOOL.envVar] || undefined, progress);
  const sqlTool = await ensureGoTool(TEMPORAL_SQL_TOOL, process.env[TEMPORAL_SQL_TOOL.envVar] || undefined, progress);
  return { server, sqlTool };
}

/** The PostgreSQL server Temporal keeps its two databases on, and their names. */
export interface TemporalDatabases {
  /** Any database URL on that server (only its host, port, user and password are used). */
  postgresUrl: string;
  /** The databases are `<prefix>` (workflows) and `<prefix>_visibility` (lists and search). */
  prefix: string;
}

export const DEFAULT_DATABASE_PREFIX = 'eventix_temporal';

function databaseNames(prefix: string): { main: string; visibility: string } {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) {
    throw new InfraError(`Temporal database prefix "${prefix}" must be lower-case letters, digits and _`);
  }
  return { main: prefix, visibility: `${prefix}_visibility` };
}

function postgresServer(url: string): { host: string; port: number; user: string; password: string } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
  };
}

/** The SQL tool reads its connection from the environment, which keeps the password off the command line. */
function sqlToolEnv(postgresUrl: string, database: string): NodeJS.ProcessEnv {
  const server = postgresServer(postgresUrl);
  return {
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: server.host,
    SQL_PORT: String(server.port),
    SQL_USER: server.user,
    SQL_PASSWORD: server.password,
    SQL_DATABASE: database,
  };
}

function runSqlTool(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
    child.once('error', (err) => fail(new InfraError(`could not run ${binary}: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) return done();
      const last = output.trim().split('\n').pop() ?? '';
      fail(new InfraError(`Temporal's SQL tool failed (${args[0]} on ${env.SQL_DATABASE}, exit ${code}): ${last}`));
    });
  });
}

/**
 * Creates both databases when missing and brings their schema to the one the server needs. Every step is
 * idempotent: an existing database is kept, versioning tables are created only if absent, and update-schema
 * applies only the versions newer than the database's.
 */
export async function prepareTemporalSchema(sqlTool: string, databases: TemporalDatabases): Promise<void> {
  const names = databaseNames(databases.prefix);
  for (const [database, schema] of [
    [names.main, 'postgresql/v12/temporal'],
    [names.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    const env = sqlToolEnv(databases.postgresUrl, database);
    await runSqlTool(sqlTool, ['create-database', '--defaultdb', 'postgres'], env);
    await runSqlTool(sqlTool, ['setup-schema', '-v', '0.0'], env);
    await runSqlTool(sqlTool, ['update-schema', '--schema-name', schema], env);
  }
}

/** Drops both databases (a benchmark's or a test's own, for a fresh start); the server must be stopped first. */
export async function dropTemporalDatabases(sqlTool: string, databases: TemporalDatabases): Promise<void> {
  const names = databaseNames(databases.prefix);
  for (const database of [names.main, names.visibility]) {
    await runSqlTool(sqlTool, ['drop-database', '--defaultdb', 'postgres', '--force'], sqlToolEnv(databases.postgresUrl, database));
  }
}

/** The server's internal gRPC and membership ports (the frontend's is the address's). */
export interface TemporalServerPorts {
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

/** Seven ports right above the frontend's: the same on every start, so the cluster's membership finds itself again. */
export function portsAbove(frontendPort: number): TemporalServerPorts {
  const [history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership] = [
    1, 2, 3, 4, 5, 6, 7,
  ].map((offset) => frontendPort + offset) as [number, number, number, number, number, number, number];
  return { history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership };
}

/** Seven free ports, for a server of a test's own. */
export async function freeServerPorts(): Promise<TemporalServerPorts> {
  const taken = new Set<number>();
  while (taken.size < 7) taken.add(await freePort());
  const [history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership] = [...taken] as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership };
}

export interface TemporalServerOptions {
  binaries: TemporalServerBinaries;
  /** Where the frontend listens; everything binds to `ip`. */
  ip?: string;
  port: number;
  /**
   * Internal ports; portsAbove(port) when absent. Keep them the same from one start to the next on the same
   * databases: the cluster's membership table still lists the previous start's addresses for a while, and calls
   * routed to them stall until they expire.
   */
  ports?: TemporalServerPorts;
  databases: TemporalDatabases;
  /** A folder of the server's own: its config files and its log go there. */
  dir: string;
  /** Registered after start (with Eventix's search attributes) unless it exists. */
  namespace?: string;
  /** History shards (default 4), fixed by the first start on fresh databases: later starts keep the stored number. */
  historyShards?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  timeoutMs?: number;
}

export interface TemporalServer {
  address: string;
  namespace: string;
  logFile: string;
  /** Resolves when the server process ends, for whatever reason. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

// How often every service rereads namespaces, and so their search attributes (the server's default).
const NAMESPACE_REFRESH_SECONDS = 2;

function serverConfig(
  options: Required<Pick<TemporalServerOptions, 'ip' | 'port' | 'ports' | 'historyShards' | 'logLevel'>> & {
    databases: TemporalDatabases;
    logFile: string;
  },
): string {
  const pg = postgresServer(options.databases.postgresUrl);
  const names = databaseNames(options.databases.prefix);
  const q = (value: string | number) => JSON.stringify(String(value));
  const store = (database: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: ${q(database)}
        connectAddr: ${q(`${pg.host}:${pg.port}`)}
        connectProtocol: "tcp"
        user: ${q(pg.user)}
        password: ${q(pg.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (grpcPort: number, membershipPort: number) => `    rpc:
      grpcPort: ${grpcPort}
      membershipPort: ${membershipPort}
      bindOnIP: ${q(options.ip)}`;
  const p = options.ports;
  // JSON strings are valid YAML scalars, so every value written from outside is quoted safely.
  return `# Written by Eventix at each start of the Temporal server; edits here are overwritten.
log:
  level: ${q(options.logLevel)}
  format: "json"
  outputFile: ${q(options.logFile)}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${options.historyShards}
  datastores:
    postgres-default:
${store(names.main, 20)}
    postgres-visibility:
${store(names.visibility, 4)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: ${q(options.ip)}

services:
  frontend:
${service(options.port, p.frontendMembership)}
  history:
${service(p.history, p.historyMembership)}
  matching:
${service(p.matching, p.matchingMembership)}
  worker:
${service(p.worker, p.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: ${q(`${options.ip}:${options.port}`)}

dcRedirectionPolicy:
  policy: "noop"
`;
}

// IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD in Temporal's API.
const KEYWORD = 2;
const ALREADY_EXISTS = 6;

/**
 * Registers `namespace` (one day of retention) unless it exists, and adds Eventix's search attributes to it. Answers
 * whether anything was new, since the other services learn of it at their next namespace refresh.
 */
async function registerNamespace(connection: Connection, namespace: string): Promise<boolean> {
  let changed = false;
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    changed = true;
  } catch (err) {
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  const names = SEARCH_ATTRIBUTES.map((attribute) => attribute.split('=')[0]!);
  const known = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = names.filter((n) => !(n in (known.customAttributes ?? {})));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, KEYWORD])),
    });
    changed = true;
  }
  return changed;
}

/** True once the namespace answers with every Eventix search attribute. */
async function namespaceReady(connection: Connection, namespace: string): Promise<boolean> {
  const names = SEARCH_ATTRIBUTES.map((attribute) => attribute.split('=')[0]!);
  try {
    await connection.workflowService.describeNamespace({ namespace });
    const known = await connection.operatorService.listSearchAttributes({ namespace });
    return names.every((n) => n in (known.customAttributes ?? {}));
  } catch {
    return false;
  }
}

/**
 * Prepares the schema, writes the config into `dir`, starts the server and answers once its frontend serves and
 * the namespace exists with Eventix's search attributes.
 */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const ip = options.ip ?? '127.0.0.1';
  const ports = options.ports ?? portsAbove(options.port);
  const namespace = options.namespace ?? 'default';
  const timeoutMs = options.timeoutMs ?? 90_000;
  const address = `${ip}:${options.port}`;

  const names: Record<string, number> = { frontend: options.port, ...ports };
  for (const [name, port] of Object.entries(names)) {
    if (await portOpen(port, ip)) {
      throw new InfraError(
        `port ${port} (the Temporal server's ${name} port) is taken by another program; free it or set TEMPORAL_ADDRESS`,
      );
    }
  }

  await prepareTemporalSchema(options.binaries.sqlTool, options.databases);

  const dir = resolve(options.dir);
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const logFile = join(dir, 'server.log');
  // The file holds the database password: readable by its owner only.
  const configFile = join(configDir, 'eventix.yaml');
  writeFileSync(
    configFile,
    serverConfig({
      ip,
      port: options.port,
      ports,
      historyShards: options.historyShards ?? 4,
      logLevel: options.logLevel ?? 'warn',
      databases: options.databases,
      logFile,
    }),
    { mode: 0o600 },
  );
  chmodSync(configFile, 0o600);

  const daemon = await startDaemon({
    title: 'the Temporal server',
    binary: options.binaries.server,
    // The config is <root>/<config>/<env>.yaml.
    args: ['--root', dir, '--config', 'config', '--env', 'eventix', '--allow-no-auth', 'start'],
    ready: () => temporalReachable(address, 500),
    timeoutMs,
  });

  try {
    const connection = await Connection.connect({ address });
    try {
      const deadline = Date.now() + timeoutMs;
      let changed: boolean | undefined;
      let lastError: unknown;
      // Right after start the frontend may still answer Unavailable while history shards are being acquired.
      while (changed === undefined && Date.now() < deadline) {
        changed = await registerNamespace(connection, namespace).catch((err: unknown) => {
          lastError = err;
          return undefined;
        });
        if (changed === undefined) await new Promise((r) => setTimeout(r, 250));
      }
      if (changed === undefined) throw new InfraError(`the Temporal server did not register namespace ${namespace}: ${String(lastError)}`);
      while (!(await namespaceReady(connection, namespace))) {
        if (Date.now() > deadline)
          throw new InfraError(`namespace ${namespace} was not ready on the Temporal server within ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // The history and matching services read namespaces from their own cache: a new namespace or attribute reaches
      // them within one refresh, and a workflow started before that would fail its first task and be retried.
      if (changed) await new Promise((r) => setTimeout(r, (NAMESPACE_REFRESH_SECONDS + 1) * 1000));
    } finally {
      await connection.close();
    }
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return { address, namespace, logFile, ...daemon };
}
