// The gateway: one entry point that routes /api/v1/* to the owning service, aggregates /health and shows every API in /docs.
import { Hono } from 'hono';
import { SERVICE_NAMES, type Config, type ServiceName } from '../../common/config.ts';
import { isServiceName } from '../../common/service-directory.ts';
import { mountDocs } from '../../common/http/docs.ts';
import { HttpProblem, problemResponse } from '../../common/http/problem.ts';
import { bearerToken, rememberingVerifier } from '../../common/auth/middleware.ts';
import { remoteKeys, verifierFor, type TokenVerifier } from '../../common/auth/verify.ts';
import { FORWARDED_FOR_HEADER, GATEWAY_PROOF_HEADER, socketAddress } from '../../common/http/client-address.ts';
import { RevokedSessions } from '../../common/auth/revocations.ts';
import { accessLog } from '../../common/http/access-log.ts';
import { requestId, type RequestIdVariables } from '../../common/http/request-id.ts';
import { requestHeader } from '../../common/http/request-headers.ts';
import type { Logger } from '../../common/logger.ts';
import { platformHealth } from './health.ts';
import { createMetrics, httpMetrics, metricsText, type Metrics } from '../../common/observability/metrics.ts';
import { recordFailure, traceRequests } from '../../common/observability/tracing.ts';
import { keepAliveTransport, proxyRequest, type UpstreamTransport } from './proxy.ts';
import { gatewayDocument } from './service-docs.ts';
import type { OpenApiDocument } from '../../common/http/openapi-document.ts';
import { API_PREFIX, resourceOf, serviceFor } from './routes.ts';
import { UpstreamPool } from '../../common/http/upstream-pool.ts';
import { mountWebApp } from './web-app.ts';

export interface GatewayDeps {
  config: Config;
  logger: Logger;
  /** Sent with every forwarded request so services trust the client address the gateway names. */
  gatewaySecret: string;
  /** For the gateway's own calls: health probes and the users service's published keys. */
  fetch?: typeof fetch;
  /** What forwarded requests go over; node:http with a keep-alive agent per service unless given. */
  transport?: UpstreamTransport;
  /** Revoked sessions (filled from RabbitMQ by the gateway process). */
  revoked?: RevokedSessions;
  /** Defaults to the users service's published keys. */
  verifier?: TokenVerifier;
  /** The built box office (defaults to data/web, where `npm run web:build` writes it). */
  webDir?: string;
}

export interface Gateway {
  app: Hono<{ Variables: RequestIdVariables }>;
  pools: Record<ServiceName, UpstreamPool>;
  revoked: RevokedSessions;
  /** Probes every instance's /health: a failing one leaves the rotation, a recovered one comes back. */
  checkInstances(): Promise<void>;
}

type GatewayApp = Gateway['app'];

/** What the gateway's routes are built from. */
interface GatewayParts {
  config: Config;
  logger: Logger;
  pools: Record<ServiceName, UpstreamPool>;
  doFetch: typeof fetch;
  transport: UpstreamTransport;
}

export function createGateway(deps: GatewayDeps): Gateway {
  const { config, logger } = deps;
  const doFetch = deps.fetch ?? fetch;
  const pools = Object.fromEntries(SERVICE_NAMES.map((s) => [s, new UpstreamPool(s, config.services[s].urls)])) as Record<
    ServiceName,
    UpstreamPool
  >;
  const revoked = deps.revoked ?? new RevokedSessions();
  // A token verified once is remembered until it expires; every use still asks the revocation feed.
  const verifier =
    deps.verifier ??
    rememberingVerifier(
      verifierFor(config.auth, remoteKeys({ urls: config.services.users.urls, logger, fetch: doFetch }), (sid) => revoked.has(sid)),
      (sid) => revoked.has(sid),
    );
  const parts: GatewayParts = { config, logger, pools, doFetch, transport: deps.transport ?? keepAliveTransport() };
  const app: GatewayApp = new Hono();

  const metrics = createMetrics('gateway');
  useGatewayMiddleware(app, logger, metrics);
  mountOperations(app, parts, metrics);
  mountServiceDocs(app, parts);
  mountApi(app, parts, { verifier, gatewaySecret: deps.gatewaySecret });
  // Last: the box office answers the paths nothing above took.
  mountWebApp(app, deps.webDir ?? config.gateway.webDir);
  return { app, pools, revoked, checkInstances: () => checkInstances(parts) };
}

function useGatewayMiddleware(app: GatewayApp, logger: Logger, metrics: Metrics): void {
  // Spans of forwarded requests are named by resource ("POST /api/v1/bookings"), not by the catch-all route; the
  // gateway starts its own trace and only links the one a client may have sent.
  app.use(
    traceRequests('gateway', {
      edge: true,
      routeOf: (route, path) => {
        const rest = path.slice(API_PREFIX.length);
        return route === `${API_PREFIX}/*` && serviceFor(rest) ? `${API_PREFIX}/${resourceOf(rest)}` : route;
      },
    }),
  );
  app.use(requestId());
  app.use(httpMetrics(metrics));
  app.use(accessLog(logger));
  app.onError((err, c) => {
    if (err instanceof HttpProblem) return problemResponse(c, err.status, err.code, err.message);
    recordFailure(err);
    logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'gateway error');
    return problemResponse(c, 502, 'BAD_GATEWAY', 'The gateway could not complete the request.');
  });
  app.notFound((c) => problemResponse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`));
}

function mountOperations(app: GatewayApp, parts: GatewayParts, metrics: Metrics): void {
  app.get('/metrics', async (c) => {
    const text = await metricsText(metrics);
    return c.text(text.body, 200, { 'content-type': text.contentType });
  });

  app.get('/health', async (c) => {
    const health = await platformHealth(parts.pools, parts.config.readyCheckTimeoutMs + 1_000, parts.doFetch);
    return c.json(health, health.status === 'ok' ? 200 : 503);
  });
}

function mountServiceDocs(app: GatewayApp, parts: GatewayParts): void {
  // Each service's public OpenAPI document as seen through the gateway: only its /api/v1 routes, served from /api/v1.
  app.get('/docs/:service/openapi.json', async (c) => {
    const service = c.req.param('service');
    if (!isServiceName(service)) return problemResponse(c, 404, 'NOT_FOUND', `No service named ${service}.`);
    const upstream = await proxyRequest(c, {
      pool: parts.pools[service],
      target: '/openapi.json',
      timeoutMs: parts.config.gateway.upstreamTimeoutMs,
      transport: parts.transport,
      asResponse: true,
    });
    if (!upstream.ok) return upstream;
    return c.json(gatewayDocument((await upstream.json()) as OpenApiDocument, (path) => serviceFor(path) === service));
  });
  mountDocs(app, 'Eventix API', { urls: SERVICE_NAMES.map((s) => ({ name: s, url: `/docs/${s}/openapi.json` })) });
}

function mountApi(app: GatewayApp, parts: GatewayParts, auth: { verifier: TokenVerifier; gatewaySecret: string }): void {
  const { pools, config, transport } = parts;
  // The client's address as the gateway saw it, vouched for with the shared secret (a client's own X-Forwarded-For is dropped).
  const forwarded = (c: Parameters<typeof socketAddress>[0]) => ({
    [FORWARDED_FOR_HEADER]: socketAddress(c) ?? 'unknown',
    [GATEWAY_PROOF_HEADER]: auth.gatewaySecret,
  });

  app.get('/.well-known/jwks.json', (c) =>
    proxyRequest(c, { pool: pools.users, target: '/.well-known/jwks.json', timeoutMs: config.gateway.upstreamTimeoutMs, transport }),
  );

  // A request that carries a token must carry a valid one; the service checks it again and decides what needs one.
  app.all(`${API_PREFIX}/*`, async (c) => {
    const token = bearerToken(requestHeader(c, 'authorization'));
    if (token !== undefined) await auth.verifier.verify(token);
    const target = apiTarget(c.req.url);
    const service = serviceFor(target.path);
    if (!service) return problemResponse(c, 404, 'NOT_FOUND', `No API resource named "${resourceOf(target.path)}".`);
    return proxyRequest(c, {
      pool: pools[service],
      target: target.path + target.search,
      timeoutMs: config.gateway.upstreamTimeoutMs,
      transport,
      headers: forwarded(c),
    });
  });
}

/**
 * The path below /api/v1 and the query of a request URL, as `new URL()` reads them. @hono/node-server has normalised
 * the URL already (dot segments, percent-encoding), so slicing gives the same but for a fragment, or a quote that the
 * URL parser would percent-encode in a query: for those (never sent by a well-behaved client) the parser decides.
 */
function apiTarget(url: string): { path: string; search: string } {
  const pathStart = url.indexOf('/', url.indexOf('//') + 2) + API_PREFIX.length;
  if (url.includes('#') || url.includes("'", pathStart)) {
    const parsed = new URL(url);
    return { path: parsed.pathname.slice(API_PREFIX.length), search: parsed.search };
  }
  const queryStart = url.indexOf('?', pathStart);
  if (queryStart === -1) return { path: url.slice(pathStart), search: '' };
  return { path: url.slice(pathStart, queryStart), search: queryStart === url.length - 1 ? '' : url.slice(queryStart) };
}

/** Probes every instance's /health: a failing one leaves the rotation, a recovered one comes back. */
async function checkInstances({ pools, doFetch, logger }: GatewayParts): Promise<void> {
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
