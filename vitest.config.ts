import { configDefaults, defineConfig } from 'vitest/config';

// Projects: fast unit tests beside the code, integration suites under test/ (and browser suites) that talk to
// the real Kafka broker and Elasticsearch node obtained by the global setup.
export default defineConfig({
  test: {
    // Two cores run Kafka, Elasticsearch and the services too: keep the parallelism modest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{lib,schemas,services,infra,scripts}/**/*.test.ts', 'bench/lib/**/*.test.ts', 'dashboards/console/js/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // test/chaos: its own config and stack (npm run test:chaos).
          exclude: [...configDefaults.exclude, 'test/browser/**', 'test/chaos/**'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The web console in Debian's headless Chromium (playwright-core) against the same real engines;
        // its own setup installs Chromium when missing, so only runs that include these files need it.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts', 'test/browser/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
