// Prometheus metrics (prom-client), one registry per service: HTTP, database pool, outbox and queues; a service adds
// its own figures to the same registry.
import client from 'prom-client';
import type { MiddlewareHandler } from 'hono';
import { matchedRoute } from '../http/matched-route.ts';
import type { Orm } from '../db/orm.ts';
import type { Rabbit } from '../messaging/rabbitmq.ts';
import { deadLetterQueue } from '../messaging/queues.ts';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(service: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry, prefix: 'eventix_process_' });
  const registers = [registry];
  // Requests being answered, counted by the HTTP middleware and read at scrape time: no gauge update per request.
  const http = { inFlight: 0 };
  return {
    registry,
    http,
    httpDuration: new client.Histogram({
      name: 'eventix_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpInFlight: new client.Gauge({
      name: 'eventix_http_requests_in_flight',
      help: 'HTTP requests being answered',
      registers,
      collect() {
        this.set(http.inFlight);
      },
    }),
    consumed: new client.Counter({
      name: 'eventix_messages_consumed_total',
      help: 'Facts applied, by queue',
      labelNames: ['queue'],
      registers,
    }),
    redelivered: new client.Counter({
      name: 'eventix_messages_redelivered_total',
      help: 'Facts delivered again, by queue',
      labelNames: ['queue'],
      registers,
    }),
    deadLettered: new client.Counter({
      name: 'eventix_messages_dead_lettered_total',
      help: 'Facts sent to the dead-letter queue (unreadable, or failing past the delivery limit), by queue',
      labelNames: ['queue'],
      registers,
    }),
  };
}

/** The label set of one method, route and status, made once: a request observes with it instead of building its own. */
type HttpLabels = { method: string; route: string; status: string };

/**
 * Times every request by its route template (not its path, so ids do not explode the label set) and counts those in
 * flight. Each request reads the clock twice and observes once; its labels come from a memory of the few method,
 * route and status triples the service answers.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  const labelSets = new Map<string, HttpLabels>();
  const labelsOf = (method: string, route: string, status: number): HttpLabels => {
    const key = `${method} ${status} ${route}`;
    let labels = labelSets.get(key);
    if (!labels) {
      labels = { method, route, status: String(status) };
      labelSets.set(key, labels);
    }
    return labels;
  };
  return async (c, next) => {
    metrics.http.inFlight++;
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.http.inFlight--;
      metrics.httpDuration.observe(labelsOf(c.req.method, matchedRoute(c), c.res.status), (performance.now() - started) / 1000);
    }
  };
}

/** Gauges read from the service's database at scrape time: its connection pool and its outbox backlog. */
export function databaseGauges(metrics: Metrics, orm: Orm): void {
  const registers = [metrics.registry];
  new client.Gauge({
    name: 'eventix_db_pool_connections',
    help: 'Database connections of this process, by state',
    labelNames: ['state'],
    registers,
    async collect() {
      const pool = await (
        orm.em.getConnection() as unknown as { getNativeClient(): Promise<{ totalCount: number; idleCount: number }> }
      ).getNativeClient();
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
    },
  });
  const outbox = async () =>
    (
      await orm.em
        .fork()
        .execute<{ backlog: string; oldest_s: string | null }[]>(
          `select count(*) as backlog, extract(epoch from now() - min(created_at)) as oldest_s from outbox_message where sent_at is null`,
        )
    )[0];
  new client.Gauge({
    name: 'eventix_outbox_backlog',
    help: 'Facts committed and not yet confirmed by RabbitMQ',
    registers,
    async collect() {
      this.set(Number((await outbox())?.backlog ?? 0));
    },
  });
  new client.Gauge({
    name: 'eventix_outbox_oldest_age_seconds',
    help: 'How long the oldest unsent fact has waited (0 when none)',
    registers,
    async collect() {
      this.set(Number((await outbox())?.oldest_s ?? 0));
    },
  });
}

/**
 * Gauges read from RabbitMQ at scrape time: messages waiting in each of this service's queues, and in their
 * dead-letter queues (facts that need an operator). While the broker cannot be read (away, or slower than two
 * seconds) the series are dropped rather than left stale.
 */
export function queueGauges(metrics: Metrics, rabbit: Rabbit, queues: string[]): void {
  if (queues.length === 0) return;
  const registers = [metrics.registry];
  const depths = async () => {
    if (!rabbit.isConnected()) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, 2_000, undefined)));
    return Promise.race([read(), timeout]).finally(() => clearTimeout(timer));
  };
  const read = async () => {
    const channel = await rabbit.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      // Both are labelled with the queue they serve.
      const read = async (queue: string, name = queue) => [queue, (await channel.checkQueue(name)).messageCount] as const;
      return {
        ready: await Promise.all(queues.map((q) => read(q))),
        deadLettered: await Promise.all(queues.map((q) => read(q, deadLetterQueue(q)))),
      };
    } finally {
      await channel.close().catch(() => undefined);
    }
  };
  let reading: ReturnType<typeof depths> | undefined;
  // Both gauges are filled from one look at the broker per scrape.
  const once = () => (reading ??= depths().finally(() => setTimeout(() => (reading = undefined), 0)));
  new client.Gauge({
    name: 'eventix_queue_messages',
    help: 'Facts waiting in a queue of this service, by queue',
    labelNames: ['queue'],
    registers,
    async collect() {
      const depths = await once().catch(() => undefined);
      if (!depths) this.reset();
      for (const [queue, count] of depths?.ready ?? []) this.set({ queue }, count);
    },
  });
  new client.Gauge({
    name: 'eventix_dead_letter_messages',
    help: 'Facts in the dead-letter queue of a queue of this service (each needs an operator), by queue',
    labelNames: ['queue'],
    registers,
    async collect() {
      const depths = await once().catch(() => undefined);
      if (!depths) this.reset();
      for (const [queue, count] of depths?.deadLettered ?? []) this.set({ queue }, count);
    },
  });
}

export async function metricsText(metrics: Metrics): Promise<{ contentType: string; body: string }> {
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
