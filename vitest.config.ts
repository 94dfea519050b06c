import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // They need the machine to themselves: run one by one afterwards (vitest.serial.config.ts).
    exclude: [...configDefaults.exclude, 'tests/serial/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/file-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'data/test-results.json' }]],
  },
});
