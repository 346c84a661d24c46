import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Handlers read these at import; tests never reach AWS (clients are mocked or local).
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_DEV: 'false',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-deploy',
      SHIPWATCH_CONFIG: 'test/fixtures/shipwatch.test.yml',
    },
    testTimeout: 20_000,
  },
});
