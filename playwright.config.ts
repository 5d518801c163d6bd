import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in browser mode: each test starts its own ClinicDesk host (src-main/host) on a
 * fresh data folder and drives Debian's Chromium through the real screens. Run `npm run build` first
 * (npm test does). Never `npx playwright install`: the browser is /usr/bin/chromium.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/output/test-results',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { outputFolder: 'e2e/output/report', open: 'never' }]] : 'list',
  use: {
    viewport: { width: 1366, height: 768 },
    locale: 'en-IN',
    timezoneId: 'Asia/Kolkata',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
