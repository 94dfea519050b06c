// What a test needs to build apps and workers against the run's own infrastructure.
import { inject } from 'vitest';
import { pino } from 'pino';
import { loadConfig, type Config, type ServiceName } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { installTracing, type Tracing } from '../../common/observability/tracing.ts';
import {
  openDomainService,
  startDomainService,
  type DomainServiceHandle,
  type OpenedDomainService,
  type StartOptions,
} from '../../workers/service-runtime.ts';
import { SERVICES } from '../../workers/services.ts';

/** The run's environment, in this test file's own Temporal namespace (tests/support/file-setup.ts). */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const namespace = process.env.EVENTIX_TEST_NAMESPACE;
  return { ...inject('testEnv'), ...(namespace ? { TEMPORAL_NAMESPACE: namespace } : {}), ...overrides };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(testEnv(overrides));
}

export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

export function workflowBundle() {
  return { codePath: inject('workflowBundlePath') };
}

/** One tracing setup for the whole test process, as a process entry point would install it. */
let tracing: Tracing | undefined;
export function testTracing(): Tracing {
  return (tracing ??= installTracing('platform', loadConfig(testEnv())));
}

/** Starts one domain service from its manifest, as `node main.ts <service>` would. */
export function startService(
  name: ServiceName,
  config: Config,
  logger: Logger,
  options: Partial<StartOptions> = {},
): Promise<DomainServiceHandle> {
  return startDomainService(SERVICES[name], config, logger, { tracing: testTracing(), ...options });
}

/** Opens a service's dependencies without serving or working, for tests that build its app themselves. */
export function openService(name: ServiceName, config: Config, logger: Logger): Promise<OpenedDomainService> {
  return openDomainService(SERVICES[name], config, logger, { migrate: false, tracing: testTracing() });
}
