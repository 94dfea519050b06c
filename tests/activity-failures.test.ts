// How activities fail and for how long they are retried: domain refusals and database errors no retry can mend fail at
// once (checked against what PostgreSQL really answers), connection trouble is retried, and every retry policy ends.
import { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActivity } from '../activities/domain-failure.ts';
import { DomainError } from '../common/errors/domain-error.ts';
import * as activityOptions from '../workflows/activity-options.ts';
import { DATABASE_REFUSED } from '../workflows/domain-failures.ts';
import { testConfig } from './support/context.ts';

/** A connection to the server's maintenance database: these statements need no tables of a service. */
async function openPostgres(port?: number): Promise<MikroORM> {
  const url = new URL(testConfig().services.bookings.databaseUrl);
  url.pathname = '/postgres';
  if (port !== undefined) url.port = String(port);
  return MikroORM.init({ clientUrl: url.toString(), entities: [], discovery: { warnWhenNoEntities: false }, pool: { min: 0, max: 2 } });
}

/** What the activity adapter throws for this run. */
async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  return asActivity(run).then(
    () => {
      throw new Error('expected the activity to fail');
    },
    (err: unknown) => err,
  );
}

describe('the activity adapter', () => {
  let orm: MikroORM;

  beforeAll(async () => {
    orm = await openPostgres();
  });

  afterAll(async () => {
    await orm?.close();
  });

  const run =
    (sql: string, params: unknown[] = []) =>
    () =>
      orm.em.fork().execute(sql, params);

  it.each([
    ['text with a NUL byte ("invalid message format")', 'select ?::text', ['a\u0000b'], '08P01'],
    ['invalid input syntax', 'select ?::uuid', ['not-a-uuid'], '22P02'],
    ['a value out of range', 'select ?::smallint', [100_000], '22003'],
    ['an unknown column', 'select no_such_column from pg_class', [], '42703'],
  ])('fails at once, not retryable, for %s', async (_case, sql, params, state) => {
    const err = await failureOf(run(sql, params));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: DATABASE_REFUSED, nonRetryable: true });
    expect((err as ApplicationFailure).message).toContain(`SQLSTATE ${state}`);
  });

  it('fails at once, not retryable, for a broken constraint', async () => {
    const err = await failureOf(() =>
      orm.em.fork().transactional(async (em) => {
        await em.execute('create temporary table saga_once (id int primary key) on commit drop');
        await em.execute('insert into saga_once values (1), (1)');
      }),
    );
    expect(err).toMatchObject({ type: DATABASE_REFUSED, nonRetryable: true });
    expect((err as ApplicationFailure).message).toContain('SQLSTATE 23505');
  });

  it('leaves a database that cannot be reached to the retry policy', async () => {
    const away = await openPostgres(1);
    try {
      const err = await failureOf(() => away.em.fork().execute('select 1'));
      expect(err).not.toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await away.close();
    }
  });

  it('maps a domain refusal to a non-retryable failure of its code, and an unavailable one to a retryable one', async () => {
    expect(await failureOf(() => Promise.reject(new DomainError('conflict', 'SEATS_UNAVAILABLE', 'taken')))).toMatchObject({
      type: 'SEATS_UNAVAILABLE',
      nonRetryable: true,
    });
    expect(await failureOf(() => Promise.reject(new DomainError('unavailable', 'GATEWAY_UNAVAILABLE', 'away')))).toMatchObject({
      type: 'GATEWAY_UNAVAILABLE',
      nonRetryable: false,
    });
  });

  it('lets any other error through for the retry policy', async () => {
    const bug = new TypeError('x is undefined');
    expect(await failureOf(() => Promise.reject(bug))).toBe(bug);
  });
});

describe('the activity retry policies', () => {
  it.each(Object.entries(activityOptions))('%s gives up: a bounded number of attempts or a bounded total time', (_name, options) => {
    const bounded = options.retry?.maximumAttempts !== undefined || options.scheduleToCloseTimeout !== undefined;
    expect(bounded).toBe(true);
    expect(options.retry?.maximumAttempts).not.toBe(0);
  });
});
