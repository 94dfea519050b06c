// The HTTP app of each domain service: the common operations routes plus that service's own routes.
import type { SessionCheck } from '../common/auth/sessions.ts';
import { createRoute, z } from '@hono/zod-openapi';
import type { SigningKeys } from '../common/auth/keys.ts';
import { authenticate, principalOf } from '../common/auth/middleware.ts';
import type { TokenVerifier } from '../common/auth/verify.ts';
import type { Config, ServiceName } from '../common/config.ts';
import { NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer } from '../common/http/openapi.ts';
import type { UsersContext } from '../domain/users/context.ts';
import type { EventsContext } from '../domain/events/events.ts';
import type { SeatFeed } from '../domain/events/seat-feed.ts';
import type { Metrics } from '../common/observability/metrics.ts';
import { registerEventsRoutes } from './events/events.routes.ts';
import { eventCancellationStarter } from './events/event-cancellation.ts';
import { registerBookingsRoutes } from './bookings/bookings.routes.ts';
import { registerPaymentsRoutes } from './payments/payments.routes.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import { registerUsersRoutes } from './users/users.routes.ts';
import type { Orm } from '../common/db/orm.ts';
import { createServiceApp, type ServiceApp } from '../common/http/service-app.ts';
import type { ReadinessCheck } from '../common/http/readiness.ts';
import type { Logger } from '../common/logger.ts';
import type { Rabbit } from '../common/messaging/rabbitmq.ts';
import type { Temporal } from '../common/temporal/temporal.ts';

export interface DomainDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  rabbit: Rabbit;
  temporal: Temporal;
  auth: ServiceAuth;
  /** Nudges this service's outbox relay after a commit that wrote facts. */
  outbox: { kick(): void };
  /** Seat changes of every events instance (the events service only). */
  seatFeed?: SeatFeed;
  metrics: Metrics;
}

export interface ServiceAuth {
  verifier: TokenVerifier;
  /** Proves that a forwarded client address was set by the gateway. */
  gatewaySecret: string;
  /** The users service's signing keys (only that service has them). */
  keys?: SigningKeys;
  /** Whether a caller's session is still open, asked of the users service (money routes of the other services). */
  sessions?: SessionCheck;
}

/** The session check of a service that has money routes; the users service checks its own records instead. */
function sessionsOf(deps: DomainDeps): SessionCheck {
  if (!deps.auth.sessions) throw new Error('this service was started without a session check');
  return deps.auth.sessions;
}

export function eventsContext(deps: DomainDeps): EventsContext {
  return { orm: deps.orm, published: () => deps.outbox.kick() };
}

export function usersContext(deps: DomainDeps): UsersContext {
  if (!deps.auth.keys) throw new Error('the users service needs its signing keys');
  return { orm: deps.orm, keys: deps.auth.keys, auth: deps.config.auth, logger: deps.logger, published: () => deps.outbox.kick() };
}

const DESCRIPTIONS: Record<ServiceName, string> = {
  users: 'Accounts, authentication, sessions, preferences and notifications.',
  events: 'Venues, seat maps, events, price tiers and live seat availability.',
  bookings: 'Bookings and the booking saga: hold, pay, confirm, expire, cancel, refund.',
  payments: 'Payment gateways, payments, the transaction log and refunds.',
};

/** Each service's own routes, mounted on top of the common app. */
const ROUTES: Record<ServiceName, (app: ServiceApp, deps: DomainDeps) => void> = {
  users: (app, deps) =>
    registerUsersRoutes(app, { ctx: usersContext(deps), verifier: deps.auth.verifier, gatewaySecret: deps.auth.gatewaySecret }),
  events: (app, deps) =>
    registerEventsRoutes(app, {
      ctx: eventsContext(deps),
      verifier: deps.auth.verifier,
      sessions: sessionsOf(deps),
      feed: deps.seatFeed,
      startEventCancellation: eventCancellationStarter(deps.temporal.client, deps.config.bookings.eventCancellationParallelism),
    }),
  bookings: (app, deps) =>
    registerBookingsRoutes(app, {
      orm: deps.orm,
      client: deps.temporal.client,
      verifier: deps.auth.verifier,
      sessions: sessionsOf(deps),
      config: deps.config,
      metrics: deps.metrics,
    }),
  payments: (app, deps) =>
    registerPaymentsRoutes(app, {
      ctx: paymentsContext(deps.config, deps.orm, () => deps.outbox.kick()),
      verifier: deps.auth.verifier,
      sessions: sessionsOf(deps),
    }),
};

export function readinessChecks(deps: Pick<DomainDeps, 'orm' | 'rabbit' | 'temporal'>): ReadinessCheck[] {
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

export function createDomainApp(service: ServiceName, deps: DomainDeps): ServiceApp {
  const app = createServiceApp({
    name: service,
    description: DESCRIPTIONS[service],
    logger: deps.logger,
    readiness: readinessChecks(deps),
    readyTimeoutMs: deps.config.readyCheckTimeoutMs,
    metrics: deps.metrics,
  });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/whoami',
      tags: ['Operations'],
      summary: 'The caller as this service sees it',
      description:
        "Checks the access token here, as every route of this service does: signature against the users service's published keys, issuer, audience, type and expiry.",
      middleware: authenticate(deps.auth.verifier),
      ...NEEDS_TOKEN,
      responses: {
        200: jsonAnswer(
          z
            .object({ userId: z.uuid(), role: z.enum(['user', 'admin']), sessionId: z.uuid(), expiresAt: z.iso.datetime() })
            .openapi('Principal'),
          'The verified principal',
        ),
        ...TOKEN_PROBLEMS,
      },
    }),
    (c) => {
      const principal = principalOf(c);
      return c.json({ ...principal, expiresAt: principal.expiresAt.toISOString() }, 200);
    },
  );
  ROUTES[service](app, deps);
  return app;
}
