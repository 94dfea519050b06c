import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createGateway, type Gateway } from '../api/gateway/gateway.app.ts';
import { listen, type Listening } from '../common/http/listen.ts';
import { freePort } from '../common/infra/ports.ts';
import { testConfig, testLogger } from './support/context.ts';
import type { Problem } from '../common/http/problem.ts';

/** What one upstream instance received: enough to tell whether a request reached it, and with what. */
interface Seen {
  method: string;
  url: string;
  body: string;
  idempotencyKey: string | undefined;
}

/** How an upstream treats a request once it has read all of it. */
type Behaviour = 'answer' | 'reset' | 'hang';

/** A bookings instance as plain node:http, so a test decides exactly when its connection dies. */
interface Upstream {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

async function upstream(name: string, behaviour: Behaviour): Promise<Upstream> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const key = req.headers['idempotency-key'];
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, idempotencyKey: typeof key === 'string' ? key : undefined });
      // The whole request arrived and the instance could have acted on it; then its process dies.
      if (behaviour === 'reset') req.socket.destroy();
      else if (behaviour === 'answer') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ instance: name, method: req.method, bodyBytes: body.length }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on: connecting to it is refused before anything is sent. */
async function refusing(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

describe('gateway resending a request to another instance', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((close) => close()));
  });

  /** A fresh gateway whose bookings pool is exactly `urls`, tried in that order (its round robin starts at the first). */
  async function gatewayOver(urls: string[], timeoutMs = 5_000): Promise<{ gateway: Gateway; base: string }> {
    const others = await upstream('others', 'answer');
    const config = testConfig({
      USERS_URLS: others.url,
      EVENTS_URLS: others.url,
      PAYMENTS_URLS: others.url,
      BOOKINGS_URLS: urls.join(','),
      UPSTREAM_TIMEOUT_MS: String(timeoutMs),
    });
    const gateway = createGateway({ config, logger: testLogger(), gatewaySecret: config.auth.gatewaySecret! });
    const server: Listening = await listen(gateway.app, 0, '127.0.0.1');
    cleanups.push(
      () => server.close(),
      () => others.close(),
    );
    return { gateway, base: `http://127.0.0.1:${server.port}` };
  }

  async function started(name: string, behaviour: Behaviour): Promise<Upstream> {
    const instance = await upstream(name, behaviour);
    cleanups.push(() => instance.close());
    return instance;
  }

  function pay(base: string, requestId: string, idempotencyKey?: string, body = '{"gateway":"test","paymentMethod":"pm_card_visa"}') {
    return fetch(`${base}/api/v1/bookings/b-1/pay`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
    });
  }

  it('answers 502 UPSTREAM_CONNECTION_LOST naming the request id, and sends a keyless POST nowhere else, when the instance that read it resets', async () => {
    const first = await started('bookings-a', 'reset');
    const second = await started('bookings-b', 'answer');
    const { base } = await gatewayOver([first.url, second.url]);

    const res = await pay(base, 'req-lost-1');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('x-request-id')).toBe('req-lost-1');
    const problem = (await res.json()) as Problem;
    expect(problem).toMatchObject({ status: 502, code: 'UPSTREAM_CONNECTION_LOST', requestId: 'req-lost-1' });
    expect(problem.detail).toContain('may have been carried out');
    expect(problem.detail).toContain('req-lost-1');
    expect(problem.detail).toContain('Idempotency-Key');
    expect(first.seen.map((s) => s.url)).toEqual(['/bookings/b-1/pay']);
    expect(second.seen).toEqual([]);
  });

  it('sends a POST with an Idempotency-Key on to the next instance, which answers it', async () => {
    const first = await started('bookings-a', 'reset');
    const second = await started('bookings-b', 'answer');
    const { base } = await gatewayOver([first.url, second.url]);

    const res = await pay(base, 'req-keyed-1', 'pay-key-1');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ instance: 'bookings-b', method: 'POST' });
    expect(first.seen).toHaveLength(1);
    expect(second.seen).toEqual([{ method: 'POST', url: '/bookings/b-1/pay', body: first.seen[0]?.body, idempotencyKey: 'pay-key-1' }]);
  });

  it('does not send a keyed POST on to another instance when its route ignores the key (a repeat would act twice)', async () => {
    const first = await started('bookings-a', 'reset');
    const second = await started('bookings-b', 'answer');
    const { base } = await gatewayOver([first.url, second.url]);

    const res = await fetch(`${base}/api/v1/bookings/b-1/something-else`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-unkeyed-route', 'idempotency-key': 'ignored-key' },
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'UPSTREAM_CONNECTION_LOST', requestId: 'req-unkeyed-route' });
    expect(second.seen).toEqual([]);
  });

  it('answers a GET whose first instance reset from the next instance', async () => {
    const first = await started('bookings-a', 'reset');
    const second = await started('bookings-b', 'answer');
    const { base } = await gatewayOver([first.url, second.url]);

    const res = await fetch(`${base}/api/v1/bookings/b-1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ instance: 'bookings-b', method: 'GET' });
    expect(first.seen).toHaveLength(1);
    expect(second.seen).toHaveLength(1);
  });

  it('moves a keyless POST on to the next instance when the first refuses the connection', async () => {
    const second = await started('bookings-b', 'answer');
    const { gateway, base } = await gatewayOver([await refusing(), second.url]);

    const res = await pay(base, 'req-refused-1');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ instance: 'bookings-b', method: 'POST' });
    expect(second.seen).toHaveLength(1);
    expect(gateway.pools.bookings.unhealthy()).toHaveLength(1);
  });

  it('moves a keyless POST on when the first instance died after serving, its kept-alive connection closed', async () => {
    const first = await started('bookings-a', 'answer');
    const second = await started('bookings-b', 'answer');
    const { base } = await gatewayOver([first.url, second.url]);
    // One request to each instance leaves a pooled connection to each, and the round robin back at the first.
    for (let i = 0; i < 2; i++) expect(await (await fetch(`${base}/api/v1/bookings/b-${i}`)).json()).toMatchObject({ method: 'GET' });
    expect([first.seen.length, second.seen.length]).toEqual([1, 1]);

    await first.close();
    const res = await pay(base, 'req-killed-1');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ instance: 'bookings-b', method: 'POST' });
    expect(first.seen).toHaveLength(1);
  });

  it('answers 502, not 503, when a keyless POST reset the only instance it was sent to', async () => {
    const first = await started('bookings-a', 'reset');
    const second = await started('bookings-b', 'reset');
    const { base } = await gatewayOver([first.url, second.url]);

    const res = await pay(base, 'req-both-1');
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'UPSTREAM_CONNECTION_LOST', requestId: 'req-both-1' });
    expect([first.seen.length, second.seen.length]).toEqual([1, 0]);
  });

  it('answers 502, not 503, when every instance reset a keyed POST it was sent to', async () => {
    const first = await started('bookings-a', 'reset');
    const second = await started('bookings-b', 'reset');
    const { base } = await gatewayOver([first.url, second.url]);

    const res = await pay(base, 'req-both-2', 'pay-key-2');
    expect(res.status).toBe(502);
    const problem = (await res.json()) as Problem;
    expect(problem).toMatchObject({ code: 'UPSTREAM_CONNECTION_LOST', requestId: 'req-both-2' });
    expect(problem.detail).toContain('same Idempotency-Key');
    expect([first.seen.length, second.seen.length]).toEqual([1, 1]);
  });

  it('answers 502 when one instance refused and the other reset: the request may have been received', async () => {
    const second = await started('bookings-b', 'reset');
    const { base } = await gatewayOver([await refusing(), second.url]);

    const res = await pay(base, 'req-mixed-1');
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'UPSTREAM_CONNECTION_LOST' });
    expect(second.seen).toHaveLength(1);
  });

  it('answers 503 SERVICE_UNAVAILABLE only when no instance could have received the request', async () => {
    const { base } = await gatewayOver([await refusing(), await refusing()]);

    const res = await pay(base, 'req-none-1');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('never resends a streamed body, even with an Idempotency-Key', async () => {
    const first = await started('bookings-a', 'reset');
    const second = await started('bookings-b', 'answer');
    const { base } = await gatewayOver([first.url, second.url]);

    // Over 1 MiB: the gateway streams it through rather than keeping a copy to send again.
    const res = await pay(base, 'req-large-1', 'pay-key-3', JSON.stringify({ note: 'x'.repeat(1_100_000) }));
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'UPSTREAM_CONNECTION_LOST', requestId: 'req-large-1' });
    expect(first.seen).toHaveLength(1);
    expect(second.seen).toEqual([]);
  });

  it('answers 504 naming the request id and saying the request may still complete, without sending it elsewhere', async () => {
    const first = await started('bookings-a', 'hang');
    const second = await started('bookings-b', 'answer');
    const { base } = await gatewayOver([first.url, second.url], 300);

    const res = await pay(base, 'req-slow-1');
    expect(res.status).toBe(504);
    const problem = (await res.json()) as Problem;
    expect(problem).toMatchObject({ code: 'UPSTREAM_TIMEOUT', requestId: 'req-slow-1' });
    expect(problem.detail).toContain('may still complete');
    expect(problem.detail).toContain('req-slow-1');
    expect(second.seen).toEqual([]);
  });
});
