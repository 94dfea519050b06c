import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { createGateway, type Gateway } from '../api/gateway/gateway.app.ts';
import type { PlatformHealth } from '../api/gateway/health.ts';
import { listen, type Listening } from '../common/http/listen.ts';
import { freePort } from '../common/infra/ports.ts';
import { testConfig, testLogger } from './support/context.ts';

/** Resolves with `value` after `ms`: the bound of a wait for something that should happen much sooner. */
const wait = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms).unref());

/** A promise the test settles: what an upstream waits on instead of a timer. */
function gate(): { opened: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * What the stand-ins wait on: the slow route answers once `slow` opens, the stream sends its rest once `stream` opens.
 * `left` opens when a client of the slow route or the stream went away before its answer ended.
 */
interface Gates {
  slow: ReturnType<typeof gate>;
  stream: ReturnType<typeof gate>;
  left: ReturnType<typeof gate>;
}

/** What a compressed answer of the stand-ins says. */
const COMPRESSED_TEXT = JSON.stringify({ compressed: 'yes'.repeat(200) });

/** A stand-in service instance: real HTTP on a real port, answering with what it received. */
function upstreamApp(name: string, gates: Gates, rabbitmq: 'ok' | 'down' = 'ok') {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok', service: name }));
  app.get('/ready', (c) =>
    c.json(
      {
        status: rabbitmq === 'ok' ? 'ok' : 'unavailable',
        checks: {
          database: { status: 'ok', latencyMs: 1 },
          rabbitmq: { status: rabbitmq, latencyMs: 1, ...(rabbitmq === 'down' ? { error: 'connect ECONNREFUSED' } : {}) },
          temporal: { status: 'ok', latencyMs: 1 },
        },
      },
      rabbitmq === 'ok' ? 200 : 503,
    ),
  );
  // Compressed for a client that takes gzip: the gateway reads this document itself, so it must decode it.
  app.get('/openapi.json', (c) => {
    const doc = JSON.stringify({
      openapi: '3.1.0',
      info: { title: name, version: '1' },
      paths: { '/health': {}, '/events': { get: {} }, '/venues/{id}': { get: {} } },
    });
    if (!(c.req.header('accept-encoding') ?? '').includes('gzip')) return c.body(doc, 200, { 'content-type': 'application/json' });
    return new Response(gzipSync(doc), { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
  });
  app.get('/events/slow', async (c) => {
    c.req.raw.signal.addEventListener('abort', () => gates.left.open());
    await gates.slow.opened;
    return c.json({ late: true });
  });
  app.get(
    '/events/compressed',
    () => new Response(gzipSync(COMPRESSED_TEXT), { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
  );
  app.get('/events/stream', (c) =>
    streamSSE(c, async (stream) => {
      stream.onAbort(() => gates.left.open());
      await stream.writeSSE({ event: 'availability', data: JSON.stringify({ n: 1 }) });
      // The rest only once the client has the first: a proxy that buffers the stream would never deliver it.
      await gates.stream.opened;
      for (let i = 2; i <= 3; i++) await stream.writeSSE({ event: 'availability', data: JSON.stringify({ n: i }) });
    }),
  );
  app.all('*', async (c) =>
    c.json({
      instance: name,
      method: c.req.method,
      path: c.req.path,
      query: c.req.query(),
      requestId: c.req.header('x-request-id'),
      headers: c.req.header(),
      body: c.req.method === 'GET' ? null : await c.req.text(),
    }),
  );
  return app;
}

describe('gateway', () => {
  // Every test gets its own stand-in instances and its own gateway, so none depends on what another started or stopped.
  let servers: Listening[];
  let gates: Gates;
  let eventsA: Listening;
  let eventsB: Listening;
  let gateway: Gateway;
  let server: Listening;
  let base: string;

  beforeEach(async () => {
    servers = [];
    gates = { slow: gate(), stream: gate(), left: gate() };
    eventsA = await listen(upstreamApp('events-a', gates), 0, '127.0.0.1');
    eventsB = await listen(upstreamApp('events-b', gates), 0, '127.0.0.1');
    const users = await listen(upstreamApp('users', gates), 0, '127.0.0.1');
    const bookings = await listen(upstreamApp('bookings', gates), 0, '127.0.0.1');
    servers.push(eventsA, eventsB, users, bookings);
    const deadPort = await freePort();
    const config = testConfig({
      USERS_URLS: `http://127.0.0.1:${users.port}`,
      EVENTS_URLS: `http://127.0.0.1:${eventsA.port},http://127.0.0.1:${eventsB.port}`,
      BOOKINGS_URLS: `http://127.0.0.1:${bookings.port}`,
      PAYMENTS_URLS: `http://127.0.0.1:${deadPort}`,
      UPSTREAM_TIMEOUT_MS: '500',
    });
    gateway = createGateway({ config, logger: testLogger(), gatewaySecret: config.auth.gatewaySecret! });
    server = await listen(gateway.app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  });

  afterEach(async () => {
    gates.slow.open();
    gates.stream.open();
    await server?.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  /** Restarts the second events instance on its old port; its next health check puts it back in the rotation. */
  async function bringBackEventsB(port: number): Promise<void> {
    eventsB = await listen(upstreamApp('events-b', gates), port, '127.0.0.1');
    servers.push(eventsB);
    await gateway.checkInstances();
    expect(gateway.pools.events.unhealthy()).toEqual([]);
  }

  it('routes each public prefix to the service that owns it, without the /api/v1 prefix', async () => {
    const auth = (await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', body: '{"email":"a@b.c"}' })).json()) as Record<
      string,
      unknown
    >;
    expect(auth).toMatchObject({ instance: 'users', method: 'POST', path: '/auth/login', body: '{"email":"a@b.c"}' });
    const booking = (await (await fetch(`${base}/api/v1/bookings/42?limit=5`)).json()) as Record<string, unknown>;
    expect(booking).toMatchObject({ instance: 'bookings', path: '/bookings/42', query: { limit: '5' } });
    const venue = (await (await fetch(`${base}/api/v1/venues/7`)).json()) as Record<string, unknown>;
    expect(String(venue.instance)).toMatch(/^events-/);
  });

  it('answers 404 problem+json for an unknown resource', async () => {
    const res = await fetch(`${base}/api/v1/nothing/here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('passes the request id through, or makes one', async () => {
    const given = await fetch(`${base}/api/v1/users/me`, { headers: { 'x-request-id': 'req-123' } });
    expect(given.headers.get('x-request-id')).toBe('req-123');
    expect(((await given.json()) as { requestId: string }).requestId).toBe('req-123');
    const made = await fetch(`${base}/api/v1/users/me`);
    const id = made.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await made.json()) as { requestId: string }).requestId).toBe(id);
  });

  it('spreads requests over the instances of a service in turn', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push(((await (await fetch(`${base}/api/v1/events`)).json()) as { instance: string }).instance);
    expect(new Set(seen)).toEqual(new Set(['events-a', 'events-b']));
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('streams server-sent events as they are written', async () => {
    const res = await fetch(`${base}/api/v1/events/stream`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The upstream pauses between events, so a buffering proxy would deliver them all in one piece.
    const first = decoder.decode((await reader.read()).value);
    expect(first).toContain('event: availability');
    expect(first).toContain('{"n":1}');
    expect(first).not.toContain('{"n":2}');
    gates.stream.open();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toContain('{"n":3}');
  });

  it('closes the request to the instance when the client leaves an event stream', async () => {
    const client = new AbortController();
    const res = await fetch(`${base}/api/v1/events/stream`, { signal: client.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('{"n":1}');
    client.abort();
    // Opens only when the instance sees its request end; the upstream stream would otherwise wait on its gate forever.
    await expect(Promise.race([gates.left.opened.then(() => 'left'), wait(2_000, 'still open')])).resolves.toBe('left');
  });

  it('closes the request to the instance when the client goes away before the answer', async () => {
    // A gateway that would wait far longer than this test does: only the client leaving can end the request.
    const patient = createGateway({
      config: testConfig({
        USERS_URLS: gateway.pools.users.urls().join(','),
        EVENTS_URLS: gateway.pools.events.urls().join(','),
        BOOKINGS_URLS: gateway.pools.bookings.urls().join(','),
        PAYMENTS_URLS: gateway.pools.payments.urls().join(','),
        UPSTREAM_TIMEOUT_MS: '30000',
      }),
      logger: testLogger(),
      gatewaySecret: 'x'.repeat(32),
    });
    const patientServer = await listen(patient.app, 0, '127.0.0.1');
    servers.push(patientServer);
    const client = new AbortController();
    const answer = fetch(`http://127.0.0.1:${patientServer.port}/api/v1/events/slow`, { signal: client.signal }).catch(() => 'aborted');
    // Give the request time to reach the instance, then leave.
    await wait(200, undefined);
    client.abort();
    expect(await answer).toBe('aborted');
    await expect(Promise.race([gates.left.opened.then(() => 'left'), wait(3_000, 'still open')])).resolves.toBe('left');
  });

  it('passes a compressed answer on as the instance sent it, for the client to decode', async () => {
    const res = await fetch(`${base}/api/v1/events/compressed`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toBe(COMPRESSED_TEXT);
  });

  it('answers with a Response it streams when it does not run on node:http (an in-process request)', async () => {
    const direct = await gateway.app.request('/api/v1/bookings/42?limit=5', { headers: { 'x-request-id': 'req-in-process' } });
    expect(direct.status).toBe(200);
    expect(direct.headers.get('x-request-id')).toBe('req-in-process');
    expect(await direct.json()).toMatchObject({ instance: 'bookings', path: '/bookings/42', requestId: 'req-in-process' });

    const stream = await gateway.app.request('/api/v1/events/stream');
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('{"n":1}');
    gates.stream.open();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toContain('{"n":3}');
  });

  it('answers 504 problem+json when the service does not answer in time', async () => {
    const res = await fetch(`${base}/api/v1/events/slow`);
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  it('answers 503 problem+json when no instance is reachable', async () => {
    const res = await fetch(`${base}/api/v1/payments/1`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('skips a failed instance, sending even a POST on to a live one, until its health check passes again', async () => {
    const portB = eventsB.port;
    await eventsB.close();
    // Round robin sends one of the first two requests to the dead instance; each still succeeds on the live one.
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${base}/api/v1/events`, {
        method: 'POST',
        body: `{"n":${i}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(await res.json()).toMatchObject({ instance: 'events-a', method: 'POST', body: `{"n":${i}}` });
    }
    expect(gateway.pools.events.unhealthy()).toEqual([`http://127.0.0.1:${portB}`]);
    await gateway.checkInstances();
    expect(gateway.pools.events.unhealthy()).toEqual([`http://127.0.0.1:${portB}`]);

    await bringBackEventsB(portB);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add(((await (await fetch(`${base}/api/v1/events`)).json()) as { instance: string }).instance);
    expect(seen).toEqual(new Set(['events-a', 'events-b']));
  });

  it('takes a crashed instance out of the rotation from its health check, before any request meets it', async () => {
    const portB = eventsB.port;
    await eventsB.close();
    await gateway.checkInstances();
    expect(gateway.pools.events.unhealthy()).toEqual([`http://127.0.0.1:${portB}`]);
    await bringBackEventsB(portB);
  });

  it('reports a service with no reachable instance on /health, and the platform as degraded', async () => {
    const res = await fetch(`${base}/health`);
    const health = (await res.json()) as PlatformHealth;
    expect(res.status).toBe(503);
    expect(health.status).toBe('degraded');
    expect(health.services.users.status).toBe('ok');
    expect(health.services.events.status).toBe('ok');
    expect(health.services.payments.status).toBe('down');
    expect(health.infrastructure).toEqual({ postgres: { status: 'ok' }, rabbitmq: { status: 'ok' }, temporal: { status: 'ok' } });
  });

  it('reports 200 when every service and infrastructure piece is healthy, and names a broker a service cannot reach', async () => {
    const payments = await listen(upstreamApp('payments', gates), 0, '127.0.0.1');
    const cutOff = await listen(upstreamApp('payments-b', gates, 'down'), 0, '127.0.0.1');
    servers.push(payments, cutOff);
    const urls = (port: number) => `http://127.0.0.1:${port}`;
    const healthOf = async (paymentsUrls: string) => {
      const other = createGateway({
        config: testConfig({
          USERS_URLS: gateway.pools.users.urls().join(','),
          EVENTS_URLS: urls(eventsA.port),
          BOOKINGS_URLS: gateway.pools.bookings.urls().join(','),
          PAYMENTS_URLS: paymentsUrls,
        }),
        logger: testLogger(),
        gatewaySecret: 'x'.repeat(32),
      });
      const res = await other.app.request('/health');
      return { status: res.status, body: (await res.json()) as PlatformHealth };
    };

    const healthy = await healthOf(urls(payments.port));
    expect(healthy.status).toBe(200);
    expect(healthy.body.status).toBe('ok');
    expect(Object.values(healthy.body.services).map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok']);

    const broken = await healthOf(`${urls(payments.port)},${urls(cutOff.port)}`);
    expect(broken.status).toBe(503);
    expect(broken.body.infrastructure.rabbitmq.status).toBe('down');
    expect(broken.body.infrastructure.rabbitmq.detail).toContain(urls(cutOff.port));
    expect(broken.body.infrastructure.postgres.status).toBe('ok');
  });

  it("shows every service's public routes in /docs, served under /api/v1", async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const service of ['users', 'events', 'bookings', 'payments']) expect(html).toContain(`/docs/${service}/openapi.json`);
    const asset = await fetch(`${base}/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    const doc = (await (await fetch(`${base}/docs/events/openapi.json`, { headers: { 'accept-encoding': 'gzip' } })).json()) as {
      servers: { url: string }[];
      paths: Record<string, unknown>;
    };
    expect(doc.servers[0]?.url).toBe('/api/v1');
    expect(Object.keys(doc.paths).sort()).toEqual(['/events', '/venues/{id}']);
  });

  /** Sends raw bytes to the gateway and answers what came back once it closed the connection. */
  function rawRequest(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(bytes));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('frames each forwarded body itself: a GET claiming a body cannot feed its bytes to the next request upstream', async () => {
    // The gateway reads these five bytes and sends no body with a GET; had it passed Content-Length on, the service
    // would take the first five bytes of the next request on that kept-alive socket as this one's body.
    const first = await rawRequest(
      'GET /api/v1/bookings/first HTTP/1.1\r\nHost: eventix\r\nContent-Length: 5\r\nConnection: close\r\n\r\nXXXXX',
    );
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    for (const path of ['second', 'third']) {
      const res = await fetch(`${base}/api/v1/bookings/${path}`);
      expect(res.status, path).toBe(200);
      expect(((await res.json()) as { path: string }).path).toBe(`/bookings/${path}`);
    }
    // A body that is sent goes with the length of what is sent.
    const posted = await fetch(`${base}/api/v1/bookings/posted`, { method: 'POST', body: 'hello' });
    expect(((await posted.json()) as { body: string }).body).toBe('hello');
  });

  it('drops the headers a client names in its Connection header, as hop-by-hop', async () => {
    const answer = await rawRequest(
      'GET /api/v1/bookings/hop HTTP/1.1\r\nHost: eventix\r\nConnection: close, X-Private\r\nX-Private: secret\r\nX-Kept: yes\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, string> };
    expect(body.headers['x-private']).toBeUndefined();
    expect(body.headers['x-kept']).toBe('yes');
  });
});
