import { afterEach, describe, expect, it } from 'vitest';
import { JsonLogger } from '../../shared/lambda/logger.js';

// The log lines keep the shape Powertools Logger gave them (README: "Cold
// start"): queries over level, service, function_request_id or cold_start
// written for it still match.

const context = {
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-dev-scanImage',
  memoryLimitInMB: '256',
  functionName: 'shipwatch-dev-scanImage',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
};
const saved = { level: process.env.POWERTOOLS_LOG_LEVEL, trace: process.env._X_AMZN_TRACE_ID };

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('shipwatch', (line) => {
    expect(line.endsWith('\n')).toBe(true);
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { logger, lines };
}

afterEach(() => {
  process.env.POWERTOOLS_LOG_LEVEL = saved.level;
  if (saved.trace === undefined) delete process.env._X_AMZN_TRACE_ID;
  else process.env._X_AMZN_TRACE_ID = saved.trace;
});

describe('JsonLogger', () => {
  it('writes one JSON line with the Powertools keys, the Lambda context and the entry’s own keys', () => {
    // Prepare
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const { logger, lines } = capture();

    // Act
    logger.addContext(context);
    logger.info('scan-image: done', { result: { passed: true } });

    // Assess
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'scan-image: done',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: process.env.POWERTOOLS_SERVICE_NAME || 'shipwatch',
        cold_start: true,
        function_arn: context.invokedFunctionArn,
        function_memory_size: 256,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        result: { passed: true },
      },
    ]);
  });

  it('says cold_start only for the first invocation of the container', () => {
    // Prepare
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const { logger, lines } = capture();

    // Act
    logger.addContext(context);
    logger.info('first');
    logger.addContext({ ...context, awsRequestId: 'second-request' });
    logger.info('second');

    // Assess
    expect(lines.map((l) => [l.cold_start, l.function_request_id])).toEqual([
      [true, context.awsRequestId],
      [false, 'second-request'],
    ]);
  });

  it('honours POWERTOOLS_LOG_LEVEL, SILENT included', () => {
    // Prepare
    const { logger, lines } = capture();

    // Act
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    logger.error('silenced');

    // Assess
    expect(lines.map((l) => l.level)).toEqual(['WARN', 'ERROR']);
  });

  it('drops an entry key that would overwrite a reserved one, as Powertools does', () => {
    // Prepare
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const { logger, lines } = capture();

    // Act
    logger.info('approval refused', { service: 'checkout', level: 'DEBUG', deploymentService: 'checkout' });

    // Assess
    expect(lines[0]).toMatchObject({ level: 'INFO', service: process.env.POWERTOOLS_SERVICE_NAME || 'shipwatch', deploymentService: 'checkout' });
  });

  it('writes errors with name, message, stack and cause; bigints and cycles do not break a line', () => {
    // Prepare
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const { logger, lines } = capture();
    const cycle: Record<string, unknown> = { name: 'cycle' };
    cycle.self = cycle;
    const error = Object.assign(new Error('rate exceeded', { cause: new Error('socket hang up') }), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });

    // Act
    logger.warn('failed', { error, count: 10n, cycle });

    // Assess
    expect(lines[0]).toMatchObject({
      error: {
        name: 'ThrottlingException',
        message: 'rate exceeded',
        stack: expect.stringContaining('rate exceeded'),
        cause: { name: 'Error', message: 'socket hang up' },
        $metadata: { httpStatusCode: 400 },
      },
      count: '10',
      cycle: { name: 'cycle', self: '[Circular]' },
    });
  });
});
