import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoute, z } from '@hono/zod-openapi';
import type { Rabbit } from '../common/messaging/rabbitmq.ts';
import type { OpenedDomainService } from '../workers/service-runtime.ts';
import { openService, testConfig, testLogger } from './support/context.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { until } from './support/wait.ts';

describe('a domain service app', () => {
  const logger = testLogger();
  let opened: OpenedDomainService;
  let rabbit: Rabbit;
  let brokerLink: TcpProxy;

  beforeAll(async () => {
    const broker = new URL(testConfig().rabbitmq.url);
    // RabbitMQ is reached through a relay so the test can take the network away from a live connection.
    brokerLink = await startTcpProxy({ host: broker.hostname, port: Number(broker.port || 5672) });
    broker.host = `127.0.0.1:${brokerLink.port}`;
    opened = await openService('events', testConfig({ RABBITMQ_URL: broker.toString() }), logger);
    rabbit = opened.deps.rabbit;
  });

  afterAll(async () => {
    await opened?.close();
    await brokerLink?.close();
  });

  const app = () => opened.app();

  it('is alive on /health', async () => {
    const res = await app().request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', service: 'events' });
  });

  it('is ready when its database, RabbitMQ and Temporal answer', async () => {
    const res = await app().request('/ready');
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'outbox', 'rabbitmq', 'temporal']);
    expect(Object.values(body.checks).every((c) => c.status === 'ok')).toBe(true);
  });

  it('reports RabbitMQ down while the broker is unreachable and recovers without a restart', async () => {
    const service = app();
    await brokerLink.cut();
    await until(() => Promise.resolve(!rabbit.isConnected()), 5_000);
    const down = await service.request('/ready');
    const downBody = (await down.json()) as { status: string; checks: Record<string, { status: string; error?: string }> };
    expect(down.status).toBe(503);
    expect(downBody.checks.rabbitmq?.status).toBe('down');
    expect(downBody.checks.database?.status).toBe('ok');

    await brokerLink.restore();
    await until(async () => (await service.request('/ready')).status === 200, 15_000);
    expect(rabbit.isConnected()).toBe(true);
  });

  it('serves its OpenAPI document and interactive docs', async () => {
    const doc = (await (await app().request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
    const page = await app().request('/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/docs/assets/swagger-ui-bundle.js');
    expect((await app().request('/docs/assets/swagger-ui.css')).status).toBe(200);
  });

  it('answers unknown routes with 404 problem+json', async () => {
    const res = await app().request('/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ type: 'about:blank', status: 404, code: 'NOT_FOUND', instance: '/nope' });
  });

  it('answers invalid input with 422 naming the offending fields, and never a stack trace on errors', async () => {
    const service = app();
    service.openapi(
      createRoute({
        method: 'post',
        path: '/probe',
        request: { body: { content: { 'application/json': { schema: z.object({ quantity: z.number().int().min(1) }) } } } },
        responses: { 200: { description: 'ok' } },
      }),
      () => {
        throw new Error('secret internals');
      },
    );
    const bad = await service.request('/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"quantity":0}',
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'quantity' }] });

    const boom = await service.request('/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"quantity":2}',
    });
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(text).not.toContain('secret internals');
  });
});
