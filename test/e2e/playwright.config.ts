import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './fixtures.js';

/**
 * Runs the compiled specs (test/dist/e2e/*.spec.js) in Debian's chromium —
 * browser downloads are impossible here, so never `npx playwright install`.
 * `npm test` runs this through test/src/e2e-dashboard.test.ts.
 */
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.js$/,
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: '../../../test-results/e2e',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    viewport: { width: 1360, height: 860 },
    colorScheme: 'light',
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
