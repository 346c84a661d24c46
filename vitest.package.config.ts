import { defineConfig } from 'vitest/config';

// The package-level suite: what `serverless package` wrote, run as Lambda and
// Step Functions would run it. `npm run test:package` packages, then runs this.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
  },
});
