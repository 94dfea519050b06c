// A domain service process, for any manifest: its database (migrated), Temporal, its own pieces, RabbitMQ and the
// outbox relay, then its HTTP API and/or its Temporal worker. Everything opened is released in reverse order.
import type { UntypedActivities } from '@temporalio/common';
import type { WorkerOptions } from '@temporalio/worker';
import { createPlatformActivities } from '../activities/platform.activities.ts';
import type { Config } from '../common/config.ts';
import { openServiceOrm, type ServiceOrmSettings } from '../common/db/orm.ts';
import { listen } from '../common/http/listen.ts';
import type { Logger } from '../common/logger.ts';
import { consumerSetup } from '../common/messaging/consumer.ts';
import { queueName } from '../common/messaging/queues.ts';
import { OutboxRelay } from '../common/messaging/outbox.ts';
import { connectRabbit } from '../common/messaging/rabbitmq.ts';
import { createMetrics, databaseGauges, queueGauges } from '../common/observability/metrics.ts';
import type { Tracing } from '../common/observability/tracing.ts';
import { installTemporalRuntime } from '../common/temporal/runtime.ts';
import { connectTemporal, connectWorkerConnection } from '../common/temporal/temporal.ts';
import { gatewaySecret } from '../common/secrets.ts';
import { followRevocations } from '../common/auth/revocations.ts';
import { serviceApp } from './service-app.ts';
import type { Closer, ConnectedDeps, ConnectedService, Service } from './service-manifest.ts';
import { createServiceWorker } from './temporal-worker.ts';

export interface DomainServiceHandle {
  /** The HTTP port actually bound (differs from config when it asked for port 0). */
  port: number | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The process's tracing, installed once by its entry point. */
  tracing: Tracing;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Called if the worker stops on its own (a fatal worker error); the process should exit. */
  onFatal?: (err: unknown) => void;
}

/** What a process opened, released in reverse order; a failing step is logged and the rest still run. */
function teardown(logger: Logger) {
  const steps: Closer[] = [];
  return {
    push: (step: Closer) => void steps.push(step),
    run: async () => {
      for (const step of steps.reverse()) await step().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
      steps.length = 0;
    },
  };
}

/** The database settings of a service, from its manifest and the configuration. */
export function ormSettingsOf(
  service: Pick<Service, 'name' | 'data'>,
  config: Pick<Config, 'services' | 'databasePoolMax'>,
): ServiceOrmSettings {
  return {
    clientUrl: config.services[service.name].databaseUrl,
    entities: service.data.entities,
    migrationsPath: service.data.migrationsPath,
    poolMax: config.databasePoolMax,
  };
}

export interface OpenedDomainService {
  deps: ConnectedDeps;
  service: ConnectedService;
  /** The service's HTTP app (the common operations routes plus its own). */
  app(): ReturnType<typeof serviceApp>;
  close(): Promise<void>;
}

/**
 * What a service's routes and activities stand on: its database, Temporal, its own pieces, RabbitMQ (with its
 * consumers) and the outbox relay. `close()` releases them in reverse order.
 */
export async function openDomainService(
  service: Service,
  config: Config,
  logger: Logger,
  options: { migrate: boolean; tracing: Tracing },
): Promise<OpenedDomainService> {
  const closers = teardown(logger);
  try {
    const orm = await openServiceOrm(ormSettingsOf(service, config), { migrate: options.migrate, logger });
    closers.push(() => orm.close());
    const metrics = createMetrics(service.name);
    databaseGauges(metrics, orm);
    const temporal = await connectTemporal(config);
    closers.push(() => temporal.close());
    const secret = await gatewaySecret(config);
    const { exchange } = config.rabbitmq;
    // Every process refuses a revoked session on every route, not only the gateway.
    const revocations = followRevocations({ urls: config.services.users.urls, secret, exchange, logger });
    closers.push(() => Promise.resolve(revocations.stop()));
    const base = {
      service: service.name,
      config,
      logger,
      orm,
      temporal,
      metrics,
      gatewaySecret: secret,
      revoked: revocations.revoked,
    };
    const own = await service.open(base, closers.push);
    const consumers = own.subscriptions.length
      ? consumerSetup({ service: service.name, exchange, orm, logger, subscriptions: own.subscriptions, metrics })
      : undefined;
    const rabbit = await connectRabbit({
      url: config.rabbitmq.url,
      exchange,
      logger,
      // Queues are declared and consumers started again after every reconnect, and the revocation feed followed.
      onConnect: async (model) => {
        await consumers?.(model);
        await revocations.onConnect(model);
      },
    });
    closers.push(() => rabbit.close());
    queueGauges(
      metrics,
      rabbit,
      service.purposes.map((purpose) => queueName(exchange, service.name, purpose)),
    );
    const relay = new OutboxRelay({ orm, rabbit, logger });
    relay.start();
    closers.push(() => relay.stop());
    const deps: ConnectedDeps = { ...base, rabbit, outbox: relay };
    const connected = own.connect({ rabbit, outbox: relay });
    return {
      deps,
      service: connected,
      app: () => serviceApp(service, deps, own.verifier, connected),
      close: closers.run,
    };
  } catch (err) {
    await closers.run();
    throw err;
  }
}

export async function startDomainService(
  service: Service,
  config: Config,
  logger: Logger,
  options: StartOptions,
): Promise<DomainServiceHandle> {
  const cleanups = teardown(logger);
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  try {
    const opened = await openDomainService(service, config, logger, { migrate: true, tracing: options.tracing });
    cleanups.push(() => opened.close());
    await opened.service.onStart();
    if (config.serviceMode !== 'api') cleanups.push(await runWorker(service, opened, config, logger, options));
    let port: number | undefined;
    if (config.serviceMode !== 'worker') {
      const server = await listen(opened.app(), config.services[service.name].port, config.host);
      port = server.port;
      cleanups.push(() => server.close());
      logger.info({ port }, `${service.name} service listening`);
    }
    return { port, stop: cleanups.run };
  } catch (err) {
    await cleanups.run();
    throw err;
  }
}

/** Every worker answers the platform check's ping besides its own activities. */
export function workerActivities(opened: Pick<OpenedDomainService, 'deps' | 'service'>): UntypedActivities {
  return { ...createPlatformActivities({ service: opened.deps.service, orm: opened.deps.orm }), ...opened.service.activities() };
}

/** Starts the service's Temporal worker; the answer stops it and closes its connection. */
async function runWorker(
  service: Service,
  opened: OpenedDomainService,
  config: Config,
  logger: Logger,
  options: StartOptions,
): Promise<Closer> {
  const connection = await connectWorkerConnection(config);
  const worker = await createServiceWorker({
    service: service.name,
    taskQueue: service.taskQueue,
    activities: workerActivities(opened),
    workflows: service.workflows,
    tracing: options.tracing,
    connection,
    namespace: config.temporal.namespace,
    workflowBundle: options.workflowBundle ?? (config.temporal.workflowBundle ? { codePath: config.temporal.workflowBundle } : undefined),
  }).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  const running = worker.run();
  running.catch((err: unknown) => {
    logger.fatal({ err }, 'Temporal worker stopped');
    options.onFatal?.(err);
  });
  logger.info({ taskQueue: service.taskQueue }, 'Temporal worker polling');
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
  };
}
