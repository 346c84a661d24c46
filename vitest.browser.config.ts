import { defineConfig } from 'vitest/config';

// The browser suite: the dashboard over a sandbox, driven in headless
// Chromium (Debian's `chromium`, /usr/bin/chromium) with playwright-core.
// `npm run test:browser`; kept out of `npm test`, which needs no browser.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    // One sandbox and one browser, shared by the file's tests in order.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
