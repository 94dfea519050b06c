// The HTTP app of a domain service: the common operations routes, its readiness checks, `/whoami`, then its own routes.
import { createRoute, z } from '@hono/zod-openapi';
import { allowScanner, authenticate, principalOf } from '../common/auth/middleware.ts';
import { ROLES, type TokenVerifier } from '../common/auth/verify.ts';
import { NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer } from '../common/http/openapi.ts';
import type { ReadinessCheck } from '../common/http/readiness.ts';
import { createServiceApp, type ServiceApp } from '../common/http/service-app.ts';
import type { ConnectedDeps, ConnectedService, Service } from './service-manifest.ts';

/** What every service's /ready reports: its database, RabbitMQ, Temporal and its outbox backlog. */
export function readinessChecks(deps: Pick<ConnectedDeps, 'orm' | 'rabbit' | 'temporal'>): ReadinessCheck[] {
  return [
    { name: 'database', check: async () => void (await deps.orm.em.getConnection().execute('select 1')) },
    { name: 'rabbitmq', check: () => deps.rabbit.check() },
    { name: 'temporal', check: (signal) => deps.temporal.check(signal) },
    {
      // Facts committed but not yet confirmed by the broker: how many, and how long the oldest has waited.
      name: 'outbox',
      check: async () => {
        const [row] = await deps.orm.em
          .fork()
          .execute<{ backlog: string; oldest_ms: string | null }[]>(
            `select count(*) as backlog, extract(epoch from now() - min(created_at)) * 1000 as oldest_ms from outbox_message where sent_at is null`,
          );
        return {
          backlog: Number(row?.backlog ?? 0),
          oldestAgeMs: row?.oldest_ms === null || row?.oldest_ms === undefined ? null : Math.round(Number(row.oldest_ms)),
        };
      },
    },
  ];
}

const whoamiRoute = (verifier: TokenVerifier) =>
  createRoute({
    method: 'get',
    path: '/whoami',
    tags: ['Operations'],
    summary: 'The caller as this service sees it',
    description:
      "Checks the access token here, as every route of this service does: signature against the users service's published keys, issuer, audience, type and expiry.",
    middleware: [allowScanner, authenticate(verifier)],
    ...NEEDS_TOKEN,
    responses: {
      200: jsonAnswer(
        z.object({ userId: z.uuid(), role: z.enum(ROLES), sessionId: z.uuid(), expiresAt: z.iso.datetime() }).openapi('Principal'),
        'The verified principal',
      ),
      ...TOKEN_PROBLEMS,
    },
  });

export function serviceApp(
  service: Pick<Service, 'name' | 'description'>,
  deps: ConnectedDeps,
  verifier: TokenVerifier,
  own: ConnectedService,
): ServiceApp {
  const app = createServiceApp({
    name: service.name,
    description: service.description,
    logger: deps.logger,
    readiness: [...readinessChecks(deps), ...own.readiness()],
    readyTimeoutMs: deps.config.readyCheckTimeoutMs,
    metrics: deps.metrics,
  });
  app.openapi(whoamiRoute(verifier), (c) => {
    const principal = principalOf(c);
    return c.json({ ...principal, expiresAt: principal.expiresAt.toISOString() }, 200);
  });
  own.routes(app);
  return app;
}
