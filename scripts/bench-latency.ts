// `npm run bench:latency`: how long a change takes to reach whoever must see it, each beside a floor measured in the
// same run on the same machine. (a) A seat hold or release to its `change` message on the availability stream
// (BENCH_SEAT_CHANGES, default 200), against a bare node:http server relaying a PostgreSQL NOTIFY as server-sent
// events. (b) A logout to the gateway refusing the session's access token (BENCH_SESSIONS, default 50), against a
// plain request's round trip through the same gateway. Results go to data/bench/latency.json.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import pg from 'pg';
import { Hono } from 'hono';
import { startGateway } from '../api/gateway/gateway.server.ts';
import { loadConfig, type Config } from '../common/config.ts';
import { ensureDatabase } from '../common/db/orm.ts';
import { listen, type Listening } from '../common/http/listen.ts';
import { bootstrap } from '../common/infra/bootstrap.ts';
import { freePort } from '../common/infra/ports.ts';
import { startTemporalDevServer, type DevServer } from '../common/infra/temporal-cli.ts';
import { createLogger } from '../common/logger.ts';
import { deadLetterExchange } from '../common/messaging/queues.ts';
import { installTracing } from '../common/observability/tracing.ts';
import { createEvent, publishEvent, setPriceTiers, type EventsContext } from '../domain/events/events.ts';
import { holdSeats, releaseSeats } from '../domain/events/seats.ts';
import { createVenue } from '../domain/events/venues.ts';
import { eventsContext } from '../workers/events.service.ts';
import { openDomainService, startDomainService, type OpenedDomainService } from '../workers/service-runtime.ts';
import { consumerQueues, SERVICES } from '../workers/services.ts';

const seatChanges = Number(process.env.BENCH_SEAT_CHANGES ?? 200);
const sessions = Number(process.env.BENCH_SESSIONS ?? 50);
const PASSWORD = `Bench-${randomBytes(6).toString('hex')}`;

type Summary = { p50: number; p95: number; p99: number; max: number };
const round = (ms: number) => Math.round(ms * 100) / 100;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function summarise(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)!),
  };
}
const ratio = (value: number, floor: number) => round(value / Math.max(floor, 0.01));

/** The bench's own databases and exchange, next to whatever `npm start` or the tests use, and every port free. */
function benchConfig(overrides: Record<string, string>): Config {
  const base = loadConfig();
  const database = (service: 'users' | 'events') => {
    const url = new URL(base.services[service].databaseUrl);
    url.pathname = `/eventix_bench_${service}`;
    return url.toString();
  };
  return loadConfig({
    ...process.env,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    SERVICE_MODE: 'api',
    USERS_DATABASE_URL: database('users'),
    EVENTS_DATABASE_URL: database('events'),
    USERS_PORT: '0',
    EVENTS_PORT: '0',
    GATEWAY_PORT: '0',
    RABBITMQ_EXCHANGE: `eventix.bench.${process.pid}`,
    LOGIN_LIMIT_PER_IP: '100000',
    LOGIN_LIMIT_PER_ACCOUNT: '1000',
    DEMO_DATA: 'off',
    ...overrides,
  });
}

/** Reads server-sent events from a response, a message at a time, each stamped with the moment it was read. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async (timeoutMs = 15_000): Promise<{ event: string; data: string; at: number }> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const at = performance.now();
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) continue;
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim() ?? '';
        return { event: field('event'), data: field('data'), at };
      }
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), Math.max(0, deadline - Date.now()));
      });
      const { value, done } = await Promise.race([reader.read(), late]).finally(() => clearTimeout(timer));
      if (done) throw new Error('the stream ended');
      buffer += value;
    }
  };
}

async function eventOnSale(ctx: EventsContext): Promise<{ eventId: string; seatIds: string[] }> {
  const rows = Array.from({ length: 10 }, (_, i) => ({ label: String.fromCharCode(65 + i), seats: 10 }));
  const layout = await createVenue(ctx.orm.em.fork(), {
    name: `Bench hall ${randomUUID().slice(0, 8)}`,
    sections: [{ name: 'Stalls', rows }],
  });
  const event = await createEvent(ctx, {
    venueId: layout.venue.id,
    title: 'Benchmark event',
    startsAt: new Date(Date.now() + 30 * 86_400_000),
  });
  await setPriceTiers(ctx, event.id, 'EUR', [{ sectionId: layout.sections[0]!.id, name: 'Stalls', priceMinor: 1_000 }]);
  await publishEvent(ctx, event.id);
  return { eventId: event.id, seatIds: layout.sections[0]!.seats.map((s) => s.id) };
}

/** (a) Eventix: each hold or release, from the call to its `change` message on the event's availability stream. */
async function seatChangeLatency(events: OpenedDomainService): Promise<number[]> {
  const server = await listen(events.app(), 0, '127.0.0.1');
  const { eventId, seatIds } = await eventOnSale(eventsContext(events.deps));
  const abort = new AbortController();
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/events/${eventId}/availability/stream`, { signal: abort.signal });
    const next = sseReader(res.body!);
    if ((await next()).event !== 'snapshot') throw new Error('the availability stream did not open with a snapshot');
    const samples: number[] = [];
    const holds = new Map<string, string>();
    for (let i = 0; i < seatChanges; i++) {
      const seatId = seatIds[Math.floor(i / 2) % seatIds.length]!;
      const started = performance.now();
      if (i % 2 === 0) {
        const holdId = randomUUID();
        holds.set(seatId, holdId);
        const request = {
          holdId,
          eventId,
          customerId: randomUUID(),
          selection: { seatIds: [seatId] },
          until: new Date(Date.now() + 600_000),
        };
        await holdSeats(events.deps.orm.em.fork(), { ...request, maxSeatsPerCustomer: 10 });
      } else {
        await releaseSeats(events.deps.orm.em.fork(), holds.get(seatId)!);
      }
      let message = await next();
      while (message.event !== 'change') message = await next();
      samples.push(message.at - started);
    }
    return samples;
  } finally {
    abort.abort();
    await server.close();
  }
}

/** (a) The floor: a bare node:http server that writes each PostgreSQL NOTIFY on its channel to its SSE clients. */
async function notifyFloor(databaseUrl: string): Promise<number[]> {
  const channel = `bench_latency_${process.pid}`;
  const clients = new Set<ServerResponse>();
  const listener = new pg.Client({ connectionString: databaseUrl });
  await listener.connect();
  listener.on('notification', (n) => {
    for (const client of clients) client.write(`event: change\ndata: ${n.payload ?? ''}\n\n`);
  });
  await listener.query(`listen ${channel}`);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    clients.add(res);
    res.on('close', () => clients.delete(res));
    res.write('event: snapshot\ndata: {}\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const notifier = new pg.Client({ connectionString: databaseUrl });
  await notifier.connect();
  const abort = new AbortController();
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: abort.signal });
    const next = sseReader(res.body!);
    await next();
    const samples: number[] = [];
    for (let i = 0; i < seatChanges; i++) {
      const started = performance.now();
      await notifier.query('select pg_notify($1, $2)', [channel, JSON.stringify({ seat: i })]);
      samples.push((await next()).at - started);
    }
    return samples;
  } finally {
    abort.abort();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await notifier.end();
    await listener.end();
  }
}

/** (b) Per session: a plain request's round trip through the gateway, then logout to the first refused request. */
async function revocationLatency(gatewayUrl: string): Promise<{ roundTrips: number[]; refusals: number[]; acceptedAfterLogout: number }> {
  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${gatewayUrl}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const roundTrips: number[] = [];
  const refusals: number[] = [];
  let acceptedAfterLogout = 0;
  for (let i = 0; i < sessions; i++) {
    const email = `bench-${randomUUID()}@example.com`;
    const registered = await api('POST', '/auth/register', undefined, { email, password: PASSWORD, name: 'Bench customer' });
    if (registered.status !== 201) throw new Error(`registering a customer answered ${registered.status}`);
    const login = await api('POST', '/auth/login', undefined, { email, password: PASSWORD });
    const token = String(login.body.accessToken);
    for (let r = 0; r < 5; r++) {
      const started = performance.now();
      const plain = await api('GET', '/events/bench', token);
      if (plain.status !== 200) throw new Error(`a plain request through the gateway answered ${plain.status}`);
      roundTrips.push(performance.now() - started);
    }
    const logout = await api('POST', '/auth/logout', token);
    if (logout.status !== 204) throw new Error(`logout answered ${logout.status}`);
    // From the logout's answer, the token is tried back to back until the gateway refuses it.
    const loggedOut = performance.now();
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = await api('GET', '/events/bench', token);
      if (probe.status === 401) break;
      acceptedAfterLogout++;
      if (Date.now() > deadline) throw new Error('the gateway still accepted a logged-out token after 15 s');
    }
    refusals.push(performance.now() - loggedOut);
  }
  return { roundTrips, refusals, acceptedAfterLogout };
}

async function main(): Promise<void> {
  const first = benchConfig({});
  // Errors only: the services' warnings while they find each other (ports chosen at start) are not the benchmark's news.
  const logger = createLogger({ log: { level: 'error', format: 'json' } }, 'bench');
  const infra = await bootstrap({
    databaseUrls: [first.services.users.databaseUrl, first.services.events.databaseUrl],
    rabbitmqUrl: first.rabbitmq.url,
    temporalCli: first.temporal.cli,
    createDatabases: true,
    progress: (line) => console.log(line),
  });
  for (const url of [first.services.users.databaseUrl, first.services.events.databaseUrl]) await ensureDatabase(url);
  // A Temporal server of its own: the services connect to one, and the platform's is left alone.
  const temporal: DevServer = await startTemporalDevServer({ binary: infra.temporalCli, port: await freePort() });
  const stops: (() => Promise<void>)[] = [() => temporal.stop()];
  let config = benchConfig({ TEMPORAL_ADDRESS: temporal.address });
  try {
    const tracing = installTracing('bench', config);
    const users = await startDomainService(SERVICES.users, config, logger, { tracing });
    stops.unshift(() => users.stop());
    config = benchConfig({ TEMPORAL_ADDRESS: temporal.address, USERS_URLS: `http://127.0.0.1:${users.port}` });
    const events = await openDomainService(SERVICES.events, config, logger, { migrate: true, tracing });
    stops.unshift(() => events.close());

    console.log(`(a) ${seatChanges} seat changes to the availability stream, and as many NOTIFYs to a bare SSE server…`);
    const floorA = summarise(await notifyFloor(config.services.events.databaseUrl));
    const eventix = summarise(await seatChangeLatency(events));

    // The gateway forwards the events service's routes to a stand-in that answers at once, so (b) times the gateway.
    const stand = new Hono();
    stand.all('*', (c) => c.json({ ok: true }));
    const standIn: Listening = await listen(stand, 0, '127.0.0.1');
    stops.unshift(() => standIn.close());
    const gateway = await startGateway(
      { ...config, services: { ...config.services, events: { ...config.services.events, urls: [`http://127.0.0.1:${standIn.port}`] } } },
      logger,
    );
    stops.unshift(() => gateway.stop());
    console.log(`(b) ${sessions} sessions: plain round trips through the gateway, then logout until the token is refused…`);
    const revocation = await revocationLatency(`http://127.0.0.1:${gateway.port}`);
    const floorB = summarise(revocation.roundTrips);
    const refused = summarise(revocation.refusals);

    const result = {
      at: new Date().toISOString(),
      seatChange: {
        changes: seatChanges,
        latencyMs: eventix,
        floorMs: floorA,
        floor: 'a bare node:http SSE server relaying a PostgreSQL NOTIFY',
        ratio: { p50: ratio(eventix.p50, floorA.p50), p99: ratio(eventix.p99, floorA.p99) },
      },
      revocation: {
        sessions,
        refusedAfterMs: refused,
        roundTripMs: floorB,
        floor: 'a plain request through the same gateway',
        acceptedAfterLogout: revocation.acceptedAfterLogout,
        ratio: { p50: ratio(refused.p50, floorB.p50), p99: ratio(refused.p99, floorB.p99) },
      },
    };
    const line = (name: string, s: Summary) => `${name.padEnd(34)} p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, max ${s.max} ms`;
    console.log(line('seat change → availability stream', eventix));
    console.log(line('  floor: NOTIFY → bare SSE server', floorA));
    console.log(`  ratio p50 ${result.seatChange.ratio.p50}×, p99 ${result.seatChange.ratio.p99}×`);
    console.log(line('logout → gateway refuses the token', refused));
    console.log(line('  floor: round trip via the gateway', floorB));
    console.log(
      `  ratio p50 ${result.revocation.ratio.p50}×, p99 ${result.revocation.ratio.p99}×; requests accepted after logout: ${revocation.acceptedAfterLogout}`,
    );
    const dir = join(config.dataDir, 'bench');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latency.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`results in ${join(dir, 'latency.json')}`);
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => console.error(`while stopping: ${(err as Error).message}`));
    await removeExchange(config);
  }
}

/** The bench's exchange and the consumer queues the services declared on it leave RabbitMQ again. */
async function removeExchange(config: Config): Promise<void> {
  const connection = await amqp.connect(config.rabbitmq.url);
  try {
    const channel = await connection.createChannel();
    for (const queue of consumerQueues(config)) await channel.deleteQueue(queue);
    await channel.deleteExchange(deadLetterExchange(config.rabbitmq.exchange));
    await channel.deleteExchange(config.rabbitmq.exchange);
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`benchmark stopped: ${(err as Error).message}`);
    process.exit(1);
  },
);
