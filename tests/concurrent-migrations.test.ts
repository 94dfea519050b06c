// Two instances of one service starting at once: both create the database if needed and migrate it, and the schema
// is applied exactly once.
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseName, migrationLockKey, openServiceOrm, withMaintenanceClient, type Orm } from '../common/db/orm.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig } from './support/context.ts';

const MIGRATIONS = readdirSync(new URL('../entities/events/migrations', import.meta.url)).filter((f) => /^Migration.*\.ts$/.test(f));

describe('concurrent migrations', () => {
  const url = new URL(testConfig().services.events.databaseUrl);
  url.pathname = `${url.pathname}_concurrent_${randomBytes(4).toString('hex')}`;
  const settings = ormSettings('events', testConfig({ EVENTS_DATABASE_URL: url.toString() }));
  const opened: Orm[] = [];

  afterAll(async () => {
    await Promise.all(opened.map((orm) => orm.close(true)));
    await withMaintenanceClient(url.toString(), (client) =>
      client.query(`drop database if exists "${databaseName(url.toString())}" with (force)`),
    );
  });

  it('creates and migrates one fresh database from two instances at once, applying each migration once', async () => {
    const results = await Promise.allSettled([openServiceOrm(settings, { migrate: true }), openServiceOrm(settings, { migrate: true })]);
    for (const result of results) if (result.status === 'fulfilled') opened.push(result.value);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'opened'))).toEqual(['opened', 'opened']);

    const rows = await opened[0]!.em.getConnection().execute<{ name: string }[]>('select name from mikro_orm_migrations order by name');
    expect(MIGRATIONS.length).toBeGreaterThan(1);
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((f) => f.replace(/\.ts$/, '')).sort());
  });

  it('derives one lock per database, the same in every process', () => {
    expect(migrationLockKey('eventix_events')).toBe(migrationLockKey('eventix_events'));
    expect(migrationLockKey('eventix_events')).not.toBe(migrationLockKey('eventix_users'));
  });
});
