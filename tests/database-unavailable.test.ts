// A database that is away (refusing connections, or ending them as it shuts down) is a moment's outage: the service
// answers 503 TEMPORARILY_UNAVAILABLE with Retry-After, never 500, and errors that are not an outage stay 500.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { databaseUnavailable } from '../common/db/unavailable.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig } from './support/context.ts';
import { appThrowing } from './support/problems.ts';
import { until } from './support/wait.ts';

/** The error a real statement fails with; the test fails if it succeeds. */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('the statement was expected to fail');
}

/** The service app's answer to a route that fails with `err`. */
async function answerTo(err: unknown) {
  const res = await appThrowing(err).request('/probe');
  const body = (await res.json()) as { code: string };
  return { status: res.status, code: body.code, retryAfter: res.headers.get('retry-after') };
}

describe('a database that is away', () => {
  const config = testConfig({ DATABASE_POOL_MAX: '1' });
  let orm: Orm;

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
  });
  afterAll(async () => orm?.close());

  it('answers 503 with Retry-After when connections are refused', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 9, user: 'postgres', connectionTimeoutMillis: 2_000 });
    const refused = await failureOf(() => pool.query('select 1'));
    await pool.end();
    expect(databaseUnavailable(refused)).toBe(true);
    expect(await answerTo(refused)).toEqual({ status: 503, code: 'TEMPORARILY_UNAVAILABLE', retryAfter: '2' });
  });

  it('answers 503 when the server ends the connection under a running statement (a shutdown or restart)', async () => {
    const tag = `eventix-probe-${randomUUID()}`;
    const running = failureOf(() => orm.em.fork().execute(`select pg_sleep(10) /* ${tag} */`));
    const admin = new pg.Client({ connectionString: config.services.bookings.databaseUrl });
    await admin.connect();
    try {
      await until(async () => {
        const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where query like $1', [`%${tag}%`]);
        return (rowCount ?? 0) > 0;
      }, 5_000);
    } finally {
      await admin.end();
    }
    const ended = await running;
    expect(databaseUnavailable(ended)).toBe(true);
    expect(await answerTo(ended)).toMatchObject({ status: 503, code: 'TEMPORARILY_UNAVAILABLE' });
    // The pool drops the dead connection (it may hear of its end just after the failed statement) and statements run
    // again on a new one.
    let after: unknown;
    await until(
      async () =>
        (after = await orm.em
          .fork()
          .execute('select 1 as one')
          .catch((err: unknown) => err)) instanceof Array,
      10_000,
    );
    expect(after).toEqual([{ one: 1 }]);
  });

  it('reads a broken pipe to the database as an outage, though its code looks like a SQLSTATE', () => {
    expect(databaseUnavailable(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
  });

  it('keeps 500 for errors that are not an outage: a refused statement, another service away, a plain bug', async () => {
    const refusedStatement = await failureOf(() => orm.em.fork().execute('select * from no_such_table'));
    const otherService = await failureOf(() => fetch('http://127.0.0.1:9/'));
    for (const err of [refusedStatement, otherService, new Error('a bug')]) {
      expect(databaseUnavailable(err)).toBe(false);
      expect(await answerTo(err)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    }
  });
});
