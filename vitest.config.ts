import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // What `serverless package` wrote has its own suite: npm run test:package (vitest.package.config.ts);
    // the dashboard in a real browser too: npm run test:browser (vitest.browser.config.ts).
    exclude: ['test/package/**', 'test/browser/**', 'node_modules/**'],
    // Handlers read these at import; tests never reach AWS (clients are mocked or local).
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'false',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-deploy',
      SHIPWATCH_CONFIG: 'test/fixtures/shipwatch.test.yml',
      // The SDK's retries keep their count but skip the real-time backoff (shared/aws/client-config.ts).
      SHIPWATCH_SDK_RETRY_DELAY_MS: '0',
    },
    // Wall-clock budgets for a busy 2-core machine (CI runs beside other work): generous,
    // since what the tests check runs in simulated time and does not depend on them.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
