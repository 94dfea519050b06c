// Demo data for newcomers: loaded into an empty events database in development only, once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../common/config.ts';
import { openServiceOrm, recreateDatabase, type Orm } from '../common/db/orm.ts';
import { loadDemoData } from '../domain/events/demo.ts';
import { listEvents } from '../domain/events/events.ts';
import { availability, seatMap } from '../domain/events/seats.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { eventsCtx } from './support/events.ts';

describe('demo data', () => {
  let orm: Orm;

  beforeAll(async () => {
    // A database of its own: the demo loads only where there is no venue yet.
    const url = new URL(testConfig().services.events.databaseUrl);
    url.pathname = `${url.pathname}_demo`;
    await recreateDatabase(url.toString());
    orm = await openServiceOrm(ormSettings('events', testConfig({ EVENTS_DATABASE_URL: url.toString() })), { migrate: true });
  });
  afterAll(async () => orm?.close());

  it('loads a venue of 300+ seats in three sections and three events on sale, once', async () => {
    expect(await loadDemoData(eventsCtx(orm), testLogger())).toBe(true);
    const page = await listEvents(orm.em.fork(), { limit: 10 }, { admin: false });
    expect(page.items).toHaveLength(3);
    for (const event of page.items) {
      expect(event.status).toBe('published');
      expect(event.salesOpenAt!.getTime()).toBeLessThan(Date.now());
      expect(event.salesCloseAt!.getTime()).toBeGreaterThan(Date.now());
      const sections = await availability(orm.em.fork(), event.id);
      expect(sections.map((s) => s.section)).toEqual(['Orchestra', 'Mezzanine', 'Balcony']);
      expect(sections.every((s) => s.priceMinor! > 0 && s.currency === 'EUR')).toBe(true);
    }
    const map = await seatMap(orm.em.fork(), page.items[0]!.id);
    expect(map.length).toBeGreaterThanOrEqual(300);
    expect(map.some((s) => s.accessible)).toBe(true);
    expect(map.filter((s) => s.status === 'blocked').length).toBeGreaterThan(0);

    expect(await loadDemoData(eventsCtx(orm), testLogger())).toBe(false);
    expect((await listEvents(orm.em.fork(), { limit: 10 }, { admin: true })).items).toHaveLength(3);
  });

  it('is for development only', () => {
    expect(loadConfig({}).events.demoData).toBe(true);
    expect(loadConfig({ DEMO_DATA: 'off' }).events.demoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GATEWAY_SECRET: 'x'.repeat(32) }).events.demoData).toBe(false);
    expect(testConfig().events.demoData).toBe(false);
  });
});
