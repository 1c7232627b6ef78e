import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests beside the code, and integration suites under test/ that talk to
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
          include: ['{lib,schemas,services,infra,scripts}/**/*.test.ts', 'dashboards/console/js/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
