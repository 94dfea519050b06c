// The whole platform in the test process: the four services (with their workers) and a gateway in front.
import { startGateway } from '../../api/gateway/gateway.server.ts';
import { SERVICE_NAMES, type ServiceName } from '../../common/config.ts';
import { openServiceOrm, type Orm } from '../../common/db/orm.ts';
import { freePort } from '../../common/infra/ports.ts';
import { ormSettings } from '../../workers/services.ts';
import type { Tracing } from '../../common/observability/tracing.ts';
import type { DomainServiceHandle } from '../../workers/service-runtime.ts';
import { startService, testConfig, testLogger, testTracing, workflowBundle } from './context.ts';
import { caller, type Caller } from './http.ts';
import { startWorkerProcess, type WorkerProcess } from './worker-process.ts';

export interface TestPlatform {
  /** Through the gateway, under /api/v1. */
  api: Caller;
  gatewayUrl: string;
  services: Record<ServiceName, DomainServiceHandle>;
  orms: Record<'events' | 'bookings' | 'payments', Orm>;
  overrides: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestPlatform(
  env: Record<string, string> = {},
  perService: Partial<Record<ServiceName, Record<string, string>>> = {},
  logger = testLogger(),
  tracing: Tracing = testTracing(),
): Promise<TestPlatform> {
  const services = {} as Record<ServiceName, DomainServiceHandle>;
  const start = (service: ServiceName, overrides: Record<string, string>) =>
    startService(
      service,
      testConfig({ ...env, ...overrides, ...(service === 'users' ? { SERVICE_MODE: 'api' } : {}), ...perService[service] }),
      logger.child({ service }),
      { workflowBundle: workflowBundle(), tracing },
    );
  // The users service fetches the tickets' PDF from the bookings service, which starts last: its port is chosen now.
  const bookingsPort = String(await freePort());
  services.users = await start('users', { BOOKINGS_URLS: `http://127.0.0.1:${bookingsPort}` });
  const overrides: Record<string, string> = { USERS_URLS: `http://127.0.0.1:${services.users.port}` };
  services.events = await start('events', overrides);
  overrides.EVENTS_URLS = `http://127.0.0.1:${services.events.port}`;
  services.payments = await start('payments', overrides);
  services.bookings = await start('bookings', { ...overrides, BOOKINGS_PORT: bookingsPort });
  for (const s of SERVICE_NAMES) overrides[`${s.toUpperCase()}_URLS`] = `http://127.0.0.1:${services[s].port}`;
  const gateway = await startGateway(testConfig({ ...env, ...overrides, GATEWAY_PORT: '0' }), logger.child({ service: 'gateway' }));
  const config = testConfig(env);
  const orms = {
    events: await openServiceOrm(ormSettings('events', config), { migrate: false }),
    bookings: await openServiceOrm(ormSettings('bookings', config), { migrate: false }),
    payments: await openServiceOrm(ormSettings('payments', config), { migrate: false }),
  };
  const gatewayUrl = `http://127.0.0.1:${gateway.port}`;
  return {
    api: caller(`${gatewayUrl}/api/v1`),
    gatewayUrl,
    services,
    orms,
    overrides,
    async stop() {
      await gateway.stop();
      for (const service of [...SERVICE_NAMES].reverse()) await services[service].stop();
      for (const orm of Object.values(orms)) await orm.close();
    },
  };
}

export interface PlatformWithWorkerProcess extends TestPlatform {
  /** The service's worker process running now. */
  readonly worker: WorkerProcess;
  /** Starts another worker process for the service, after a test killed the last one. */
  restartWorker(): Promise<WorkerProcess>;
}

/**
 * The platform with one service's Temporal worker in a process of its own, which a test can SIGKILL and start again;
 * the service itself only answers HTTP.
 */
export async function startPlatformWithWorkerProcess(
  service: ServiceName,
  env: Record<string, string> = {},
  perService: Partial<Record<ServiceName, Record<string, string>>> = {},
): Promise<PlatformWithWorkerProcess> {
  const platform = await startTestPlatform(env, { ...perService, [service]: { ...perService[service], SERVICE_MODE: 'api' } });
  const start = () => startWorkerProcess(service, { ...env, ...platform.overrides, ...perService[service] });
  let worker: WorkerProcess;
  try {
    worker = await start();
  } catch (err) {
    await platform.stop();
    throw err;
  }
  return {
    ...platform,
    get worker() {
      return worker;
    },
    async restartWorker() {
      await worker.kill();
      worker = await start();
      return worker;
    },
    async stop() {
      await worker.stop();
      await platform.stop();
    },
  };
}
