// The Hono app every domain service starts from: request ids, problem+json errors, /health, /ready, OpenAPI and /docs.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { databaseUnavailable } from '../db/unavailable.ts';
import { DomainError, type DomainErrorKind } from '../errors/domain-error.ts';
import type { Logger } from '../logger.ts';
import { mountDocs } from './docs.ts';
import { BEARER_AUTH, completeServiceDocument, type OpenApiDocument } from './openapi-document.ts';
import { HttpProblem, ProblemSchema, fieldErrors, problemResponse } from './problem.ts';
import { accessLog } from './access-log.ts';
import { bodyGuard } from './body-guard.ts';
import { httpMetrics, metricsText, type Metrics } from '../observability/metrics.ts';
import type { AuthVariables } from '../auth/middleware.ts';
import { requestId, type RequestIdVariables } from './request-id.ts';
import { recordFailure, traceRequests } from '../observability/tracing.ts';
import { runReadiness, ReadinessSchema, type ReadinessCheck } from './readiness.ts';

export type AppEnv = { Variables: RequestIdVariables & AuthVariables };
export type ServiceApp = OpenAPIHono<AppEnv>;

export { BEARER_AUTH } from './openapi-document.ts';

export interface ServiceAppOptions {
  name: string;
  description: string;
  version?: string;
  logger: Logger;
  readiness: ReadinessCheck[];
  readyTimeoutMs: number;
  metrics?: Metrics;
}

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Operations'],
  summary: 'Liveness: the process answers',
  security: [],
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok'), service: z.string() }) } } },
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Operations'],
  summary: 'Prometheus metrics of this process',
  security: [],
  responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['Operations'],
  summary: 'Readiness: database, RabbitMQ and Temporal reachable',
  security: [],
  responses: {
    200: { description: 'Every dependency reachable', content: { 'application/json': { schema: ReadinessSchema } } },
    503: { description: 'At least one dependency unreachable', content: { 'application/json': { schema: ReadinessSchema } } },
  },
});

/** What each kind of domain refusal answers over HTTP: the one place a kind becomes a status. */
/** What a 503 for a database away suggests: PostgreSQL restarts in seconds. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

const STATUS_OF_KIND: Record<DomainErrorKind, ContentfulStatusCode> = {
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  declined: 402,
  rate_limited: 429,
  unavailable: 503,
};

/** A domain error as problem+json: its kind's status, its code and message, its field errors and Retry-After. */
function domainProblemResponse(c: Context, err: DomainError): Response {
  const { errors, retryAfterSeconds } = err.details;
  const res = problemResponse(c, STATUS_OF_KIND[err.kind], err.code, err.message, errors ? { errors } : {});
  if (retryAfterSeconds !== undefined) res.headers.set('retry-after', String(retryAfterSeconds));
  return res;
}

/** A stable code for Hono's own refusals; an empty body where JSON is required is malformed JSON like any other. */
function httpExceptionCode(err: HTTPException): string {
  if (err.status === 400) return err.message === 'Malformed JSON in request body' ? 'MALFORMED_JSON' : 'BAD_REQUEST';
  return err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'HTTP_ERROR';
}

/** The detail of a 415: what the routes take, and what was sent instead. */
function unsupportedMediaType(c: Context): string {
  const sent = c.req.header('content-type');
  return `This route takes a JSON body (Content-Type: application/json), not ${sent ? `"${sent}"` : 'a body without a Content-Type'}.`;
}

/**
 * The service's OpenAPI document, generated from its routes when asked (routes are added after the app is made) and
 * completed with the answers every route shares. A route set that cannot be documented fails here, as a 500 problem.
 */
function serviceDocument(app: ServiceApp, options: ServiceAppOptions): OpenApiDocument {
  const generated = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: `Eventix ${options.name} service`, version: options.version ?? '0.1.0', description: options.description },
    servers: [{ url: '/', description: `This ${options.name} service instance (the gateway serves its public routes under /api/v1)` }],
  });
  return completeServiceDocument(generated as unknown as OpenApiDocument);
}

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const { logger } = options;
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures of any declared route become a 422 naming the offending fields.
    defaultHook: (result, c) => {
      if (!result.success) {
        return problemResponse(c, 422, 'VALIDATION_FAILED', 'The request is not valid.', { errors: fieldErrors(result.error.issues) });
      }
      return undefined;
    },
  });

  app.use(traceRequests(options.name));
  app.use(requestId());
  if (options.metrics) app.use(httpMetrics(options.metrics));
  app.use(accessLog(logger));
  app.use(bodyGuard());
  app.onError((err, c) => {
    if (err instanceof DomainError) return domainProblemResponse(c, err);
    if (err instanceof HttpProblem) {
      const res = problemResponse(c, err.status, err.code, err.message, err.errors ? { errors: err.errors } : {});
      for (const [name, value] of Object.entries(err.headers)) res.headers.set(name, value);
      return res;
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(c, err.status, httpExceptionCode(err), err.status === 415 ? unsupportedMediaType(c) : err.message);
    }
    recordFailure(err);
    if (databaseUnavailable(err)) {
      // A database restarting or away: the request was fine, and a retry in a moment (with its Idempotency-Key) is safe.
      logger.warn({ err, requestId: c.get('requestId'), path: c.req.path }, 'database unavailable');
      const res = problemResponse(
        c,
        503,
        'TEMPORARILY_UNAVAILABLE',
        'This service cannot reach its database right now; try again shortly.',
      );
      res.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      return res;
    }
    logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error');
    return problemResponse(c, 500, 'INTERNAL_ERROR', 'Something went wrong on our side.');
  });
  app.notFound((c) => problemResponse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`));

  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const, service: options.name }, 200));
  app.openapi(readyRoute, async (c) => {
    const report = await runReadiness(options.readiness, options.readyTimeoutMs);
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });

  if (options.metrics) {
    const metrics = options.metrics;
    app.openapi(metricsRoute, async (c) => {
      const text = await metricsText(metrics);
      return c.text(text.body, 200, { 'content-type': text.contentType });
    });
  }

  app.openAPIRegistry.register('Problem', ProblemSchema);
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_AUTH, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from POST /auth/login or POST /auth/refresh.',
  });
  app.get('/openapi.json', (c) => c.json(serviceDocument(app, options)));
  mountDocs(app, `Eventix ${options.name} API`, { url: '/openapi.json' });
  return app;
}
