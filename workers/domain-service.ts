// A domain service process: its database (migrated), RabbitMQ, Temporal, then its HTTP API and/or its worker.
import type { NativeConnection, Worker } from '@temporalio/worker';
import { SeatFeed } from '../domain/events/seat-feed.ts';
import { loadDemoData } from '../domain/events/demo.ts';
import { createDomainApp, eventsContext, usersContext, type DomainDeps, type ServiceAuth } from '../api/domain-apps.ts';
import { loadSigningKeys } from '../common/auth/keys.ts';
import { localKeys, remoteKeys, verifierFor } from '../common/auth/verify.ts';
import { remoteSessionCheck } from '../common/auth/sessions.ts';
import { OutboxRelay } from '../common/messaging/outbox.ts';
import { consumerSetup, queueName } from '../common/messaging/consumer.ts';
import { createMailer } from '../common/mail/mailer.ts';
import { createMetrics, databaseGauges, queueGauges } from '../common/observability/metrics.ts';
import { subscriptionsFor } from './subscriptions.ts';
import { gatewaySecret } from '../common/secrets.ts';
import { ensureDefaultAdmin } from '../domain/users/accounts.ts';
import type { Config, ServiceName } from '../common/config.ts';
import { openServiceOrm } from '../common/db/orm.ts';
import { listen } from '../common/http/listen.ts';
import type { Logger } from '../common/logger.ts';
import { connectRabbit } from '../common/messaging/rabbitmq.ts';
import { installTemporalRuntime } from '../common/temporal/runtime.ts';
import { installTracing } from '../common/observability/tracing.ts';
import { connectTemporal, connectWorkerConnection } from '../common/temporal/temporal.ts';
import { ormSettings } from '../entities/orm-settings.ts';
import { createServiceWorker, type WorkerDeps } from './service-workers.ts';

export interface DomainServiceHandle {
  /** The HTTP port actually bound (differs from config when it asked for port 0). */
  port: number | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  workflowBundle?: WorkerDeps['workflowBundle'];
  /** Called if the worker stops on its own (a fatal worker error); the process should exit. */
  onFatal?: (err: unknown) => void;
}

/** What a process opened, released in reverse order; a failing step is logged and the rest still run. */
function teardown(logger: Logger) {
  const steps: (() => Promise<unknown>)[] = [];
  return {
    push: (step: () => Promise<unknown>) => void steps.push(step),
    run: async () => {
      for (const step of steps.reverse()) await step().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
      steps.length = 0;
    },
  };
}

export async function startDomainService(
  service: ServiceName,
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<DomainServiceHandle> {
  const cleanups = teardown(logger);
  const stop = cleanups.run;
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  installTracing(service, config);
  try {
    const opened = await openDomainDeps(service, config, logger, { migrate: true });
    cleanups.push(() => opened.close());
    const { deps } = opened;
    const { orm } = deps;
    if (service === 'users') await ensureDefaultAdmin(usersContext(deps), config.env);
    if (service === 'events' && config.events.demoData) await loadDemoData(eventsContext(deps), logger);

    let worker: Worker | undefined;
    if (config.serviceMode !== 'api') {
      const connection: NativeConnection = await connectWorkerConnection(config);
      cleanups.push(() => connection.close());
      worker = await createServiceWorker({
        service,
        orm,
        config,
        outbox: deps.outbox,
        metrics: deps.metrics,
        connection,
        namespace: config.temporal.namespace,
        workflowBundle:
          options.workflowBundle ?? (config.temporal.workflowBundle ? { codePath: config.temporal.workflowBundle } : undefined),
      });
      const running = worker.run();
      running.catch((err: unknown) => {
        logger.fatal({ err }, 'Temporal worker stopped');
        options.onFatal?.(err);
      });
      const w = worker;
      cleanups.push(async () => {
        if (w.getState() === 'RUNNING') w.shutdown();
        await running.catch(() => undefined);
      });
      logger.info({ taskQueue: service }, 'Temporal worker polling');
    }

    let port: number | undefined;
    if (config.serviceMode !== 'worker') {
      const app = createDomainApp(service, deps);
      const server = await listen(app, config.services[service].port, config.host);
      port = server.port;
      cleanups.push(() => server.close());
      logger.info({ port }, `${service} service listening`);
    }
    return { port, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * What a service's routes and activities stand on: its database, RabbitMQ, Temporal, token checks and the
 * outbox relay. `close()` releases them in reverse order.
 */
export async function openDomainDeps(
  service: ServiceName,
  config: Config,
  logger: Logger,
  options: { migrate: boolean },
): Promise<{ deps: DomainDeps; close(): Promise<void> }> {
  const closers = teardown(logger);
  const close = closers.run;
  try {
    const orm = await openServiceOrm(ormSettings(service, config), { migrate: options.migrate, logger });
    closers.push(() => orm.close());
    const metrics = createMetrics(service);
    databaseGauges(metrics, orm);
    const mailer = service === 'users' ? createMailer(config.mail.smtpUrl) : undefined;
    if (mailer) closers.push(() => Promise.resolve(mailer.close()));
    const subscriptions = subscriptionsFor(service, { mailer });
    const rabbit = await connectRabbit({
      url: config.rabbitmq.url,
      exchange: config.rabbitmq.exchange,
      logger,
      // Queues are declared and consumers started again after every reconnect.
      onConnect: subscriptions.length
        ? consumerSetup({ service, exchange: config.rabbitmq.exchange, orm, logger, subscriptions, metrics })
        : undefined,
    });
    closers.push(() => rabbit.close());
    queueGauges(
      metrics,
      rabbit,
      subscriptions.map((s) => queueName(config.rabbitmq.exchange, service, s.purpose)),
    );
    const temporal = await connectTemporal(config);
    closers.push(() => temporal.close());
    const auth = await serviceAuth(service, config, logger);
    const relay = new OutboxRelay({ orm, rabbit, logger });
    relay.start();
    closers.push(() => relay.stop());
    let seatFeed: SeatFeed | undefined;
    if (service === 'events') {
      const feed = await SeatFeed.open(config.services.events.databaseUrl, logger);
      closers.push(() => feed.close());
      seatFeed = feed;
    }
    return { deps: { config, logger, orm, rabbit, temporal, auth, outbox: relay, seatFeed, metrics }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** How this service checks tokens: the users service with its own keys, the others with the users service's published keys. */
export async function serviceAuth(service: ServiceName, config: Config, logger: Logger): Promise<ServiceAuth> {
  const secret = await gatewaySecret(config);
  if (service === 'users') {
    const keys = await loadSigningKeys(config);
    return { verifier: verifierFor(config.auth, localKeys(keys.jwks)), gatewaySecret: secret, keys };
  }
  return {
    verifier: verifierFor(config.auth, remoteKeys({ urls: config.services.users.urls, logger })),
    gatewaySecret: secret,
    sessions: remoteSessionCheck({ urls: config.services.users.urls, secret, logger }),
  };
}
