// A domain service process: its database (migrated), RabbitMQ, Temporal, then its HTTP API and/or its worker.
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createDomainApp } from '../api/domain-apps.ts';
import type { Config, ServiceName } from '../common/config.ts';
import { openServiceOrm } from '../common/db/orm.ts';
import { listen } from '../common/http/listen.ts';
import type { Logger } from '../common/logger.ts';
import { connectRabbit } from '../common/messaging/rabbitmq.ts';
import { installTemporalRuntime } from '../common/temporal/runtime.ts';
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

export async function startDomainService(
  service: ServiceName,
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<DomainServiceHandle> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
    cleanups.length = 0;
  };
  installTemporalRuntime(logger);
  try {
    const orm = await openServiceOrm(ormSettings(service, config), { migrate: true, logger });
    cleanups.push(() => orm.close());
    const rabbit = await connectRabbit({ url: config.rabbitmq.url, exchange: config.rabbitmq.exchange, logger });
    cleanups.push(() => rabbit.close());
    const temporal = await connectTemporal(config);
    cleanups.push(() => temporal.close());

    let worker: Worker | undefined;
    if (config.serviceMode !== 'api') {
      const connection: NativeConnection = await connectWorkerConnection(config);
      cleanups.push(() => connection.close());
      worker = await createServiceWorker({
        service,
        orm,
        connection,
        namespace: config.temporal.namespace,
        workflowBundle: options.workflowBundle,
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
      const app = createDomainApp(service, { config, logger, orm, rabbit, temporal });
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
