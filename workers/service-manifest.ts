// What a domain service is, declared once: its data, what it opens for itself, its routes, its Temporal worker, the
// facts it consumes and what it does on start. The process runtime (service-runtime.ts) reads nothing else.
import type { RevokedSessions } from '../common/auth/revocations.ts';
import type { TokenVerifier } from '../common/auth/verify.ts';
import type { Config, ServiceName } from '../common/config.ts';
import type { UntypedActivities } from '@temporalio/common';
import type { Orm, ServiceOrmSettings } from '../common/db/orm.ts';
import type { ReadinessCheck } from '../common/http/readiness.ts';
import type { ServiceApp } from '../common/http/service-app.ts';
import type { Logger } from '../common/logger.ts';
import type { Subscription } from '../common/messaging/consumer.ts';
import type { Rabbit } from '../common/messaging/rabbitmq.ts';
import type { Metrics } from '../common/observability/metrics.ts';
import type { Temporal } from '../common/temporal/temporal.ts';

/** What every domain service process opens before its own pieces, in this order. */
export interface PlatformDeps {
  service: ServiceName;
  config: Config;
  logger: Logger;
  orm: Orm;
  temporal: Temporal;
  metrics: Metrics;
  /** Proves that a forwarded client address was set by the gateway. */
  gatewaySecret: string;
  /** Sessions revoked while their access tokens may still be presented, followed from session.revoked. */
  revoked: RevokedSessions;
}

/** What the platform adds once the service's own pieces are open: the broker and the outbox relay. */
export interface ConnectedDeps extends PlatformDeps {
  rabbit: Rabbit;
  /** Nudges this service's outbox relay after a commit that wrote facts. */
  outbox: { kick(): void };
}

/** Every service checks tokens; how it gets its keys is its own affair. */
export interface OwnDeps {
  verifier: TokenVerifier;
}

/** Releases what a step opened; run in reverse order when the process stops. */
export type Closer = () => Promise<unknown>;

export interface ServiceManifest<Name extends ServiceName, Own extends OwnDeps> {
  name: Name;
  /** One sentence for its OpenAPI document. */
  description: string;
  /** Its database: entities and the folder of its migrations. */
  data: ServiceData;
  /** Opens what only this service needs (keys, a mailer, a seat feed, a session check); `onClose` releases each. */
  open(base: PlatformDeps, onClose: (closer: Closer) => void): Own | Promise<Own>;
  /** Facts it consumes: purpose → handlers, one durable queue each (declared before the broker connects). */
  subscriptions?: { [purpose: string]: (deps: PlatformDeps & Own) => Omit<Subscription, 'purpose'> };
  /** Runs once the service is connected, before it takes traffic or work (the default admin, demo data). */
  onStart?(deps: ConnectedDeps & Own): Promise<void>;
  /** Its own routes, mounted on the common service app. */
  routes(app: ServiceApp, deps: ConnectedDeps & Own): void;
  /** Its Temporal worker: the activities on its task queue, and the workflows if it hosts them. */
  worker: {
    taskQueue: string;
    activities(deps: ConnectedDeps & Own): UntypedActivities;
    workflows?: ServiceWorkflows;
  };
  /** Readiness checks beyond the database, RabbitMQ, Temporal and the outbox. */
  readiness?(deps: ConnectedDeps & Own): ReadinessCheck[];
}

export interface ServiceData {
  entities: ServiceOrmSettings['entities'];
  migrationsPath: string;
}

export interface ServiceWorkflows {
  path: string;
  /** Bundled with the workflows (a prebuilt bundle already holds them). */
  interceptorModules: string[];
}

/** A service as the runtime sees it: the same manifest, its own dependency type hidden behind closures. */
export interface Service<Name extends ServiceName = ServiceName> {
  name: Name;
  description: string;
  data: ServiceData;
  taskQueue: string;
  workflows?: ServiceWorkflows;
  /** The purposes of the queues it consumes from. */
  purposes: string[];
  open(base: PlatformDeps, onClose: (closer: Closer) => void): Promise<OpenedService>;
  /** Registers its routes on stand-in dependencies, to read its API document without connecting anything. */
  documentRoutes(app: ServiceApp, standIn: unknown): void;
}

export interface OpenedService {
  verifier: TokenVerifier;
  subscriptions: Subscription[];
  connect(connected: Pick<ConnectedDeps, 'rabbit' | 'outbox'>): ConnectedService;
}

export interface ConnectedService {
  onStart(): Promise<void>;
  routes(app: ServiceApp): void;
  activities(): UntypedActivities;
  readiness(): ReadinessCheck[];
}

export function defineService<Name extends ServiceName, Own extends OwnDeps>(manifest: ServiceManifest<Name, Own>): Service<Name> {
  const subscriptions = Object.entries(manifest.subscriptions ?? {});
  return {
    name: manifest.name,
    description: manifest.description,
    data: manifest.data,
    taskQueue: manifest.worker.taskQueue,
    workflows: manifest.worker.workflows,
    purposes: subscriptions.map(([purpose]) => purpose),
    documentRoutes: (app, standIn) => manifest.routes(app, standIn as ConnectedDeps & Own),
    async open(base, onClose) {
      const mine = { ...base, ...(await manifest.open(base, onClose)) };
      return {
        verifier: mine.verifier,
        subscriptions: subscriptions.map(([purpose, make]) => ({ ...make(mine), purpose })),
        connect(connected) {
          const deps = { ...mine, ...connected };
          return {
            onStart: async () => manifest.onStart?.(deps),
            routes: (app) => manifest.routes(app, deps),
            activities: () => manifest.worker.activities(deps),
            readiness: () => manifest.readiness?.(deps) ?? [],
          };
        },
      };
    },
  };
}
