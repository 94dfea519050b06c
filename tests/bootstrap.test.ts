import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { ensureDatabase } from '../common/db/orm.ts';
import { bootstrap } from '../common/infra/bootstrap.ts';
import { freePort } from '../common/infra/ports.ts';
import { InfraError } from '../common/infra/system.ts';
import { testConfig } from './support/context.ts';

async function sql(url: string, query: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(query)).rows;
  } finally {
    await client.end();
  }
}

describe('infrastructure bootstrap', () => {
  const config = testConfig();

  it('finds PostgreSQL, RabbitMQ and the Temporal CLI when all are there, building nothing', async () => {
    const progress: string[] = [];
    const result = await bootstrap({
      databaseUrls: [config.services.users.databaseUrl],
      rabbitmqUrl: config.rabbitmq.url,
      createDatabases: false,
      progress: (l) => progress.push(l),
    });
    expect(result.temporalCli).toMatch(/temporal$/);
    expect(statSync(result.temporalCli).mode & 0o111).not.toBe(0);
    expect(result.createdDatabases).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('refuses a configured Temporal CLI that is not an executable file, in one line', async () => {
    const notExecutable = fileURLToPath(new URL('../package.json', import.meta.url));
    const err = await bootstrap({
      databaseUrls: [config.services.users.databaseUrl],
      rabbitmqUrl: config.rabbitmq.url,
      temporalCli: notExecutable,
      createDatabases: false,
      progress: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toBe(`TEMPORAL_CLI is set to ${notExecutable}, which is not an executable file`);
  });

  it('names the alternatives when the Temporal CLI is missing and Go is not there to build it', () => {
    const module = fileURLToPath(new URL('../common/infra/temporal-cli.ts', import.meta.url));
    const script = `import { ensureTemporalCli } from ${JSON.stringify(module)};
      ensureTemporalCli(undefined, () => {}).then(() => console.log('found'), (err) => console.log(err.name + ': ' + err.message));`;
    // With an empty PATH neither `temporal` nor `go` can be found.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: '', HOME: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(run.stdout.trim()).toMatch(/^InfraError: Temporal CLI not found and Go is not installed: .*TEMPORAL_CLI.*docker compose up/);
  });

  it('says in one line each what is missing and the command that starts it', async () => {
    const deadPort = await freePort();
    const err = await bootstrap({
      databaseUrls: [`postgres://postgres@127.0.0.1:${deadPort}/eventix_users`],
      rabbitmqUrl: `amqp://guest:secret@127.0.0.1:${deadPort}`,
      createDatabases: true,
      progress: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    const lines = (err as Error).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^PostgreSQL is not reachable at 127.0.0.1:${deadPort} .*; start it with: pg_ctlcluster --skip-systemctl-redirect \\S+ main start$`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^RabbitMQ is not reachable at amqp://guest:\\*\\*\\*@127.0.0.1:${deadPort} .*; start it with: rabbitmq-server -detached$`,
      ),
    );
    expect((err as Error).message).not.toContain('secret');
  });

  it('creates a missing database once and leaves an existing one alone', async () => {
    const url = new URL(config.services.users.databaseUrl);
    url.pathname = `/eventix_test_bootstrap_${process.pid}`;
    const name = url.pathname.slice(1);
    const admin = config.services.users.databaseUrl;
    await sql(admin, `drop database if exists "${name}" with (force)`);
    try {
      expect(await ensureDatabase(url.toString())).toBe(true);
      await sql(url.toString(), 'create table marker (id int)');
      expect(await ensureDatabase(url.toString())).toBe(false);
      expect(await sql(url.toString(), "select to_regclass('marker')::text as t")).toEqual([{ t: 'marker' }]);
    } finally {
      await sql(admin, `drop database if exists "${name}" with (force)`);
    }
  });
});
