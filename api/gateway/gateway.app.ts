// The gateway: one entry point that routes /api/v1/* to the owning service, aggregates /health and shows every API in /docs.
import { Hono } from 'hono';
import { SERVICE_NAMES, type Config, type ServiceName } from '../../common/config.ts';
import { mountDocs } from '../../common/http/docs.ts';
import { problemResponse } from '../../common/http/problem.ts';
import { accessLog } from '../../common/http/access-log.ts';
import { requestId, type RequestIdVariables } from '../../common/http/request-id.ts';
import type { Logger } from '../../common/logger.ts';
import { platformHealth } from './health.ts';
import { proxyRequest } from './proxy.ts';
import { API_PREFIX, ROUTE_TABLE, prefixesOf } from './routes.ts';
import { UpstreamPool } from './upstream-pool.ts';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  fetch?: typeof fetch;
}

export interface Gateway {
  app: Hono<{ Variables: RequestIdVariables }>;
  pools: Record<ServiceName, UpstreamPool>;
  /** Probes every instance's /health: a failing one leaves the rotation, a recovered one comes back. */
  checkInstances(): Promise<void>;
}

type OpenApiDoc = { paths?: Record<string, unknown>; servers?: unknown[]; [key: string]: unknown };

export function createGateway(deps: GatewayDeps): Gateway {
  const { config, logger } = deps;
  const doFetch = deps.fetch ?? fetch;
  const pools = Object.fromEntries(SERVICE_NAMES.map((s) => [s, new UpstreamPool(s, config.services[s].urls)])) as Record<
    ServiceName,
    UpstreamPool
  >;
  const app = new Hono<{ Variables: RequestIdVariables }>();

  app.use(requestId());
  app.use(accessLog(logger));
  app.onError((err, c) => {
    logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'gateway error');
    return problemResponse(c, 502, 'BAD_GATEWAY', 'The gateway could not complete the request.');
  });
  app.notFound((c) => problemResponse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`));

  app.get('/health', async (c) => {
    const health = await platformHealth(pools, config.readyCheckTimeoutMs + 1_000, doFetch);
    return c.json(health, health.status === 'ok' ? 200 : 503);
  });

  // Each service's public OpenAPI document as seen through the gateway: only its /api/v1 routes, served from /api/v1.
  app.get('/docs/:service/openapi.json', async (c) => {
    const service = c.req.param('service') as ServiceName;
    if (!SERVICE_NAMES.includes(service)) return problemResponse(c, 404, 'NOT_FOUND', `No service named ${service}.`);
    const upstream = await proxyRequest(c, {
      pool: pools[service],
      target: '/openapi.json',
      timeoutMs: config.gateway.upstreamTimeoutMs,
      fetch: doFetch,
    });
    if (!upstream.ok) return upstream;
    const doc = (await upstream.json()) as OpenApiDoc;
    const prefixes = prefixesOf(service);
    const paths = Object.fromEntries(
      Object.entries(doc.paths ?? {}).filter(([path]) => prefixes.some((p) => path === p || path.startsWith(`${p}/`))),
    );
    return c.json({ ...doc, servers: [{ url: API_PREFIX, description: 'Eventix gateway' }], paths });
  });
  mountDocs(app, 'Eventix API', { urls: SERVICE_NAMES.map((s) => ({ name: s, url: `/docs/${s}/openapi.json` })) });

  app.all(`${API_PREFIX}/*`, (c) => {
    const url = new URL(c.req.url);
    const rest = url.pathname.slice(API_PREFIX.length);
    const resource = rest.split('/')[1] ?? '';
    const service = ROUTE_TABLE[resource];
    if (!service) return problemResponse(c, 404, 'NOT_FOUND', `No API resource named "${resource}".`);
    return proxyRequest(c, {
      pool: pools[service],
      target: rest + url.search,
      timeoutMs: config.gateway.upstreamTimeoutMs,
      fetch: doFetch,
    });
  });

  async function checkInstances(): Promise<void> {
    await Promise.all(
      Object.values(pools).flatMap((pool) =>
        pool.snapshot().map(async ({ url, healthy }) => {
          let failure: string | undefined;
          try {
            const res = await doFetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
            if (!res.ok) failure = `health answered ${res.status}`;
          } catch (err) {
            failure = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
          }
          if (failure === undefined && !healthy) {
            pool.markUp(url);
            logger.info({ service: pool.service, url }, 'upstream instance back in rotation');
          } else if (failure !== undefined && healthy) {
            pool.markDown(url, failure);
            logger.warn({ service: pool.service, url, reason: failure }, 'upstream instance out of rotation');
          }
        }),
      ),
    );
  }

  return { app, pools, checkInstances };
}
