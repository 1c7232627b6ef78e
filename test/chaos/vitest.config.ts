import { defineConfig } from 'vitest/config';

// The chaos suite (`npm run test:chaos`): one long run on its own three-broker stack, so it is a project of
// its own and not part of `npm test` (about 10 minutes on a 2-core machine).
export default defineConfig({
  test: {
    name: 'chaos',
    include: ['test/chaos/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 40 * 60_000,
    hookTimeout: 10 * 60_000,
  },
});
