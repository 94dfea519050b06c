// What a test needs to build apps and workers against the run's own infrastructure.
import { inject } from 'vitest';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { ...inject('testEnv'), ...overrides };
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
