// Tests that need the machine to themselves run after the main suite, one file at a time: the broker-outage test
// stops RabbitMQ, and the metrics test must be the only process whose workers serve the task queues.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/serial/**/*.test.ts'],
    fileParallelism: false,
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/file-setup.ts'],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'data/test-results-serial.json' }]],
  },
});
