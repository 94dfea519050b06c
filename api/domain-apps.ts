// The HTTP app of each domain service: the common operations routes plus that service's own routes.
import type { Config, ServiceName } from '../common/config.ts';
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
}

const DESCRIPTIONS: Record<ServiceName, string> = {
  users: 'Accounts, authentication, sessions, preferences and notifications.',
  events: 'Venues, seat maps, events, price tiers and live seat availability.',
  bookings: 'Bookings and the booking saga: hold, pay, confirm, expire, cancel, refund.',
  payments: 'Payment gateways, payments, the transaction log and refunds.',
};

/** Each service's own routes, mounted on top of the common app. */
const ROUTES: Record<ServiceName, (app: ServiceApp, deps: DomainDeps) => void> = {
  users: () => undefined,
  events: () => undefined,
  bookings: () => undefined,
  payments: () => undefined,
};

export function readinessChecks(deps: Pick<DomainDeps, 'orm' | 'rabbit' | 'temporal'>): ReadinessCheck[] {
  return [
    { name: 'database', check: async () => void (await deps.orm.em.getConnection().execute('select 1')) },
    { name: 'rabbitmq', check: () => deps.rabbit.check() },
    { name: 'temporal', check: (signal) => deps.temporal.check(signal) },
  ];
}

export function createDomainApp(service: ServiceName, deps: DomainDeps): ServiceApp {
  const app = createServiceApp({
    name: service,
    description: DESCRIPTIONS[service],
    logger: deps.logger,
    readiness: readinessChecks(deps),
    readyTimeoutMs: deps.config.readyCheckTimeoutMs,
  });
  ROUTES[service](app, deps);
  return app;
}
