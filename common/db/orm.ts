// Each service's MikroORM: its own database (created when missing), its own entities, migrations run on start.
import { createHash } from 'node:crypto';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { EntitySchema } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { redactUrl } from '../redact.ts';

export type Orm = MikroORM;

export interface ServiceOrmSettings {
  clientUrl: string;
  entities: EntitySchema<any, any>[];
  /** Folder of this service's migration files. */
  migrationsPath: string;
  poolMax?: number;
  debug?: boolean;
}

export function serviceOrmOptions(settings: ServiceOrmSettings): Options {
  return {
    clientUrl: settings.clientUrl,
    entities: settings.entities,
    extensions: [Migrator],
    pool: { min: 0, max: settings.poolMax ?? 10 },
    debug: settings.debug ?? false,
    migrations: {
      path: settings.migrationsPath,
      pathTs: settings.migrationsPath,
      glob: '!(*.d).{js,ts}',
      emit: 'ts',
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
  };
}

export function databaseName(clientUrl: string): string {
  const name = decodeURIComponent(new URL(clientUrl).pathname.replace(/^\//, ''));
  if (!/^[\w-]+$/.test(name)) throw new Error(`database URL ${redactUrl(clientUrl)} names no usable database`);
  return name;
}

/** Runs `run` on a connection to the server's `postgres` database (the one that always exists). */
export async function withMaintenanceClient<T>(clientUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(clientUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    const reason = (err as Error).message || (err as { code?: string }).code || 'unreachable';
    throw new Error(`PostgreSQL is not reachable at ${url.host} (${reason})`, { cause: err });
  }
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database named by the URL when it does not exist yet. Answers whether it created it. */
export async function ensureDatabase(clientUrl: string): Promise<boolean> {
  const name = databaseName(clientUrl);
  return withMaintenanceClient(clientUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database "${name}"`);
    } catch (err) {
      // Another process created it between our check and our create: 42P04 duplicate_database, or 23505 when both
      // creates raced past the catalog check and met on pg_database's unique name index.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (!exists.rowCount) throw err;
      return false;
    }
    return true;
  });
}

/** Drops and recreates a database; for test runs only. */
export async function recreateDatabase(clientUrl: string): Promise<void> {
  const name = databaseName(clientUrl);
  await withMaintenanceClient(clientUrl, async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  });
}

/** The advisory lock key that serializes migrations of one database: the same for every process that migrates it. */
export function migrationLockKey(name: string): string {
  return createHash('sha256').update(`eventix migrations ${name}`).digest().readBigInt64BE(0).toString();
}

/**
 * Runs `run` while holding a session advisory lock on the database, on a connection of its own: two instances of one
 * service starting at once migrate one after the other, and the second finds nothing left to apply. The lock goes with
 * the session, so a process that dies while migrating releases it.
 */
export async function withMigrationLock<T>(clientUrl: string, run: () => Promise<T>): Promise<T> {
  const key = migrationLockKey(databaseName(clientUrl));
  const client = new pg.Client({ connectionString: clientUrl, connectionTimeoutMillis: 5_000 });
  // A connection lost while migrating surfaces through the migration's own queries; unhandled, it would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1::bigint)', [key]);
    try {
      return await run();
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface OpenOrmOptions {
  migrate: boolean;
  logger?: Logger;
}

/** Connects to the service's database (creating it when missing) and brings its schema up to date. */
export async function openServiceOrm(settings: ServiceOrmSettings, options: OpenOrmOptions): Promise<Orm> {
  if (options.migrate && (await ensureDatabase(settings.clientUrl))) {
    options.logger?.info({ database: databaseName(settings.clientUrl) }, 'created database');
  }
  const orm = await MikroORM.init(serviceOrmOptions(settings));
  try {
    await orm.em.getConnection().execute('select 1');
    if (options.migrate) {
      const applied = await withMigrationLock(settings.clientUrl, () => orm.migrator.up());
      if (applied.length > 0) options.logger?.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    }
  } catch (err) {
    await orm.close(true);
    throw new Error(`database ${databaseName(settings.clientUrl)} at ${new URL(settings.clientUrl).host}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return orm;
}
