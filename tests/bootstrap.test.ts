import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { ensureDatabase, recreateDatabase } from '../common/db/orm.ts';
import { bootstrap } from '../common/infra/bootstrap.ts';
import { freePort } from '../common/infra/ports.ts';
import { InfraError } from '../common/infra/temporal-cli.ts';
import { testConfig } from './support/context.ts';

describe('infrastructure bootstrap', () => {
  const config = testConfig();

  it('finds PostgreSQL, RabbitMQ and the Temporal CLI when all are there', async () => {
    const progress: string[] = [];
    const result = await bootstrap({
      databaseUrls: [config.services.users.databaseUrl],
      rabbitmqUrl: config.rabbitmq.url,
      createDatabases: false,
      progress: (l) => progress.push(l),
    });
    expect(result.temporalCli).toMatch(/temporal$/);
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
    await recreateDatabase(url.toString());
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query('create table marker (id int)');
    await client.end();

    expect(await ensureDatabase(url.toString())).toBe(false);
    const again = new pg.Client({ connectionString: url.toString() });
    await again.connect();
    expect((await again.query("select to_regclass('marker') as t")).rows[0]).toEqual({ t: 'marker' });
    await again.end();

    const admin = new pg.Client({ connectionString: config.services.users.databaseUrl });
    await admin.connect();
    await admin.query(`drop database "${url.pathname.slice(1)}" with (force)`);
    await admin.end();
    expect(await ensureDatabase(url.toString())).toBe(true);
    await recreateDatabase(url.toString());
    const cleanup = new pg.Client({ connectionString: config.services.users.databaseUrl });
    await cleanup.connect();
    await cleanup.query(`drop database "${url.pathname.slice(1)}" with (force)`);
    await cleanup.end();
  });
});
