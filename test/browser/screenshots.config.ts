import { defineConfig } from 'vitest/config';

/** `npx vitest run -c test/browser/screenshots.config.ts`: regenerates docs/screenshots/ from the real system. */
export default defineConfig({
  test: {
    name: 'screenshots',
    include: ['test/browser/screenshots.ts'],
    environment: 'node',
    globalSetup: ['test/support/global-setup.ts', 'test/browser/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
