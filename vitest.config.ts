import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Stops RabbitMQ: run alone afterwards (vitest.outage.config.ts).
    exclude: [...configDefaults.exclude, 'tests/outage/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'data/test-results.json' }]],
  },
});
