import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; level from POWERTOOLS_LOG_LEVEL (the sandbox and tests turn it down). */
export const logger = new Logger({ serviceName: 'shipwatch' });
