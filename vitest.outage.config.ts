// The broker-outage test stops the machine's RabbitMQ for 30 s, so it runs on its own after the main suite.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/outage/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'data/test-results-outage.json' }]],
  },
});
