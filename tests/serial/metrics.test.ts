// /metrics of every process: valid Prometheus text, and the booking figures move with one booking. It runs alone, so
// this process's workers are the only ones on the task queues and every count lands here.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../common/config.ts';
import { freePort } from '../../common/infra/ports.ts';
import { eventOnSale, eventsCtx } from '../support/events.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { newCustomer } from '../support/users.ts';
import amqp from 'amqplib';
import { queueName } from '../../common/messaging/queues.ts';
import { SERVICES } from '../../workers/services.ts';
import { ticketsIssuedV1 } from '../../contracts/tickets.ts';
import { testConfig } from '../support/context.ts';
import { until } from '../support/wait.ts';

const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.]+(?:e[+-]?[0-9]+)?|[Nn]a[Nn]|[+-]Inf)$/;
// NaN in any case, as Prometheus's own parser (Go's ParseFloat) reads it; prom-client writes "Nan".

/** Parses Prometheus text exposition; throws on a line that is neither a comment nor a sample. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

describe('metrics', () => {
  let platform: TestPlatform;
  let temporalMetrics: string;

  beforeAll(async () => {
    temporalMetrics = `127.0.0.1:${await freePort()}`;
    platform = await startTestPlatform({ BOOKING_HOLD_TTL_SECONDS: '60', TEMPORAL_METRICS_ADDRESS: temporalMetrics });
  });
  afterAll(async () => platform?.stop());

  const scrape = async (base: string) => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parse(await res.text());
  };
  const serviceUrl = (s: (typeof SERVICE_NAMES)[number]) => `http://127.0.0.1:${platform.services[s].port}`;
  const value = (samples: Map<string, number>, prefix: string, label = '') =>
    [...samples.entries()].filter(([key]) => key.startsWith(prefix) && key.includes(label)).reduce((sum, [, v]) => sum + v, 0);

  it('serve Prometheus text on every process, and count one booking once', async () => {
    for (const s of SERVICE_NAMES) {
      const samples = await scrape(serviceUrl(s));
      expect(samples.size).toBeGreaterThan(10);
      expect([...samples.keys()].some((k) => k.startsWith('eventix_outbox_backlog'))).toBe(true);
      expect([...samples.keys()].some((k) => k.startsWith('eventix_db_pool_connections'))).toBe(true);
    }
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    const customer = await newCustomer(platform.api, 'metrics');
    const before = await scrape(serviceUrl('bookings'));
    const held = await platform.api('POST', '/bookings', {
      token: customer.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[0]] },
    });
    expect(held.status).toBe(201);
    const taken = await platform.api('POST', '/bookings', {
      token: customer.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[0]] },
    });
    expect(taken.status).toBe(409);
    expect(
      (
        await platform.api('POST', `/bookings/${held.body.id}/pay`, {
          token: customer.accessToken,
          body: { paymentMethod: 'pm_card_visa' },
        })
      ).body.status,
    ).toBe('CONFIRMED');
    const after = await scrape(serviceUrl('bookings'));
    const confirmed = (samples: Map<string, number>) => value(samples, 'eventix_booking_outcomes_total', 'status="CONFIRMED"');
    expect(confirmed(after) - confirmed(before)).toBe(1);
    expect(value(after, 'eventix_hold_duration_seconds_count') - value(before, 'eventix_hold_duration_seconds_count')).toBe(2);
    expect(value(after, 'eventix_holds_refused_total') - value(before, 'eventix_holds_refused_total')).toBe(1);
    expect(
      [...after.keys()].some(
        (k) =>
          k.startsWith('eventix_http_request_duration_seconds_count') &&
          k.includes('route="/bookings/:id/pay"') &&
          k.includes('status="200"'),
      ),
    ).toBe(true);
    const gateway = await scrape(platform.gatewayUrl);
    expect([...gateway.keys()].some((k) => k.startsWith('eventix_http_request_duration_seconds_count'))).toBe(true);
  });

  it('show how many facts wait in each dead-letter queue', async () => {
    const config = testConfig();
    const queue = queueName(config.rabbitmq.exchange, 'users', SERVICES.users.purposes[0]!);
    const waiting = async () => value(await scrape(serviceUrl('users')), 'eventix_dead_letter_messages', `queue="${queue}"`);
    const before = await waiting();
    const keys = [...(await scrape(serviceUrl('users'))).keys()];
    for (const metric of ['eventix_queue_messages', 'eventix_dead_letter_messages']) {
      expect(
        keys.some((k) => k.startsWith(`${metric}{`) && k.includes(`queue="${queue}"`)),
        metric,
      ).toBe(true);
    }
    // A fact nobody can read goes straight to the dead-letter queue.
    const connection = await amqp.connect(config.rabbitmq.url);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(config.rabbitmq.exchange, ticketsIssuedV1.routingKey, Buffer.from('{ not json'), { persistent: true });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
    let after = before;
    await until(async () => (after = await waiting()) > before, 10_000);
    expect(after - before).toBe(1);
  });

  it('cover every metric the Grafana dashboard queries', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../ops/grafana/dashboards/eventix.json', import.meta.url), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    // Declared metrics count even before their first sample (a counter with labels shows only its # TYPE line).
    const exported = new Set<string>();
    for (const base of [platform.gatewayUrl, ...SERVICE_NAMES.map(serviceUrl), `http://${temporalMetrics}`]) {
      const text = await (await fetch(`${base}/metrics`)).text();
      for (const key of parse(text).keys()) exported.add(key.replace(/\{.*$/, ''));
      for (const [, name] of text.matchAll(/^# TYPE (\S+) /gm)) exported.add(name!);
    }
    const isExported = (name: string) => exported.has(name) || exported.has(name.replace(/_(bucket|count|sum)$/, ''));
    const FUNCTIONS = new Set([
      'sum',
      'by',
      'rate',
      'increase',
      'max',
      'histogram_quantile',
      'le',
      'status',
      'service',
      'reason',
      'queue',
      'route',
      'worker_type',
      'event',
      'outcome',
    ]);
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(7);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const names = (
          expr
            .replace(/\{[^}]*\}/g, '')
            .replace(/\[[^\]]*\]/g, '')
            .match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []
        ).filter((n) => !FUNCTIONS.has(n));
        for (const name of names)
          expect({ panel: panel.title, name, exported: isExported(name) }).toEqual({ panel: panel.title, name, exported: true });
      }
    }
  });

  it('serve the Temporal workers’ own figures on the second port', async () => {
    const samples = await scrape(`http://${temporalMetrics}`);
    const names = [...samples.keys()];
    expect(names.some((k) => k.startsWith('temporal_worker_task_slots_available'))).toBe(true);
    expect(names.some((k) => k.startsWith('temporal_activity_execution_latency'))).toBe(true);
    expect(names.some((k) => k.startsWith('temporal_workflow_task_execution_latency'))).toBe(true);
  });
});
