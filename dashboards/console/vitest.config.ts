import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The web console's unit tests (pure modules: i18n, live connection, route plot, API errors, contract
// with the schemas). Run: npx vitest run --config dashboards/console/vitest.config.ts
// Browser behaviour is covered by the browser suite (see TESTING.md).
export default defineConfig({
  test: {
    name: 'console-web',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['js/**/*.test.ts'],
    environment: 'node',
  },
});
