import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/errors.js';
import { DEFAULTS } from '../../shared/config/defaults.js';
import { configPath, formatPath, loadConfig, parseConfig, parseConfigText } from '../../shared/config/load.js';
import { fixturePath } from '../support/fixtures.js';
import { thrownBy } from '../support/thrown.js';

// Paths inside the repository only: tests never read outside it.
const repoFile = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

/** A minimal valid service as YAML lines (4-space indent under `services:`), plus extra lines. */
function serviceYaml(name: string, extra: string[] = [], repository = name): string {
  return [
    `  - name: ${name}`,
    `    image:`,
    `      repository: ${repository}`,
    `    target:`,
    `      ecs: { cluster: prod, service: ${name}, container: app }`,
    ...extra.map((line) => `    ${line}`),
  ].join('\n');
}

const configYaml = (...services: string[]): string => `services:\n${services.join('\n')}\n`;

const metricYaml = (lines: string[]): string[] => ['health:', '  metrics:', ...lines.map((l) => `    ${l}`)];

describe('DEFAULTS', () => {
  it('holds the documented default values', () => {
    // Prepare / Act: nothing, the module is the subject

    // Assess
    expect(DEFAULTS.configFile).toBe('shipwatch.yml');
    expect(DEFAULTS.scan).toEqual({ blockAt: 'CRITICAL', timeoutMinutes: 30 });
    expect(DEFAULTS.health).toEqual({
      bakeMinutes: 10,
      pollSeconds: 30,
      consecutiveErrorLimit: 4,
      eventFallbackSeconds: 300,
      bakeLookMinutes: 30,
      rolloutTimeoutMinutes: 30,
      guardMinutes: 60,
      failureLimit: 1,
      inconclusiveLimit: 2,
      ingestionGraceSeconds: 60,
    });
  });
});

describe('parseConfigText: defaults', () => {
  it('fills every omitted section of a minimal service with the defaults', () => {
    // Prepare
    const text = configYaml(serviceYaml('web'));

    // Act
    const config = parseConfigText(text, 'shipwatch.yml');

    // Assess
    expect(config).toEqual({
      services: [
        {
          name: 'web',
          image: { repository: 'web', tags: ['*'] },
          // The task-definition family defaults to the ECS service name (infra/iam.cjs scopes RegisterTaskDefinition to it).
          target: { ecs: { cluster: 'prod', service: 'web', container: 'app', family: 'web' } },
          strategy: { type: 'rolling' },
          scan: { blockAt: 'CRITICAL', ignore: [], timeoutMinutes: 30, onUnsupported: 'block', onFailed: 'block' },
          health: {
            alarms: [],
            metrics: [],
            bakeMinutes: 10,
            pollSeconds: 30,
            consecutiveErrorLimit: 4,
            rolloutTimeoutMinutes: 30,
            guardMinutes: 60,
            fixForwardTags: [],
          },
        },
      ],
    });
  });

  it('fills the omitted keys of a partly written scan and health section', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['scan:', '  blockAt: HIGH', 'health:', '  bakeMinutes: 15']));

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.scan).toEqual({ blockAt: 'HIGH', ignore: [], timeoutMinutes: 30, onUnsupported: 'block', onFailed: 'block' });
    expect(service?.health).toEqual({
      alarms: [],
      metrics: [],
      bakeMinutes: 15,
      pollSeconds: 30,
      consecutiveErrorLimit: 4,
      rolloutTimeoutMinutes: 30,
      guardMinutes: 60,
      fixForwardTags: [],
    });
  });

  it('fills consecutiveErrorLimit with 4 (DEFAULTS.health.consecutiveErrorLimit) when the health section leaves it out', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['health:', '  pollSeconds: 45']));

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.health.consecutiveErrorLimit).toBe(4);
    expect(service?.health.consecutiveErrorLimit).toBe(DEFAULTS.health.consecutiveErrorLimit);
    expect(service?.health.pollSeconds).toBe(45);
  });

  it('fills the defaults of a metric check (period 60, Average, no dimensions, limits 1 and 2)', () => {
    // Prepare
    const text = configYaml(
      serviceYaml(
        'web',
        metricYaml(['- name: cpu', '  metric: { namespace: AWS/ECS, metricName: CPUUtilization }', '  comparison: GreaterThanThreshold', '  threshold: 80']),
      ),
    );

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.health.metrics).toEqual([
      {
        name: 'cpu',
        metric: { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: {}, stat: 'Average' },
        period: 60,
        comparison: '>',
        threshold: 80,
        unit: '',
        failureLimit: 1,
        inconclusiveLimit: 2,
      },
    ]);
  });

  it('accepts blockAt "none" and explicit maxCounts', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['scan:', '  blockAt: none', '  maxCounts: { HIGH: 3, MEDIUM: 0 }']));

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.scan.blockAt).toBe('none');
    expect(service?.scan.maxCounts).toEqual({ HIGH: 3, MEDIUM: 0 });
  });
});

describe('parseConfigText: comparisons', () => {
  it.each([
    ['GreaterThanThreshold', '>'],
    ['GreaterThanOrEqualToThreshold', '>='],
    ['LessThanThreshold', '<'],
    ['LessThanOrEqualToThreshold', '<='],
    ['">"', '>'],
    ['">="', '>='],
    ['"<"', '<'],
    ['"<="', '<='],
  ])('comparison %s becomes %s', (written, symbol) => {
    // Prepare
    const text = configYaml(
      serviceYaml('web', metricYaml(['- name: m', '  metric: { namespace: N, metricName: M }', `  comparison: ${written}`, '  threshold: 1'])),
    );

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.health.metrics[0]?.comparison).toBe(symbol);
  });

  it('refuses an unknown comparison and lists the accepted ones', () => {
    // Prepare
    const text = configYaml(
      serviceYaml('web', metricYaml(['- name: m', '  metric: { namespace: N, metricName: M }', '  comparison: GreaterThan', '  threshold: 1'])),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].health.metrics[0].comparison:');
    expect(error.message).toContain('"GreaterThanThreshold"');
    expect(error.message).toContain('">="');
  });
});

describe('parseConfigText: unknown keys', () => {
  it('names the file, the path and the unknown key for an `imag:` typo', () => {
    // Prepare
    const text = configYaml(
      serviceYaml('a'),
      serviceYaml('b'),
      [`  - name: c`, `    imag:`, `      repository: c`, `    target:`, `      ecs: { cluster: prod, service: c, container: app }`].join('\n'),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'deploy/shipwatch.yml'));

    // Assess
    expect(error.name).toBe('ConfigError');
    expect(error.message).toMatch(/^deploy\/shipwatch\.yml is not a valid Shipwatch config:\n/);
    expect(error.message).toContain('  services[2].imag: unknown key (did you mean "image"?)');
    // `image` itself is then missing: every problem is listed, not just the first.
    expect(error.message).toContain('  services[2].image: missing (expected object)');
  });

  it('names the full path of a `health.bakeMinute` typo and suggests the key', () => {
    // Prepare
    const text = configYaml(serviceYaml('a'), serviceYaml('b'), serviceYaml('c', ['health:', '  bakeMinute: 5']));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toBe('shipwatch.yml is not a valid Shipwatch config:\n  services[2].health.bakeMinute: unknown key (did you mean "bakeMinutes"?)');
  });

  it('lists each unknown key of one object on its own line', () => {
    // Prepare
    const text = configYaml(serviceYaml('a', ['health:', '  bakeMinute: 5', '  pollSecond: 30']));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].health.bakeMinute: unknown key (did you mean "bakeMinutes"?)');
    expect(error.message).toContain('services[0].health.pollSecond: unknown key (did you mean "pollSeconds"?)');
  });

  it('refuses an unknown top-level key', () => {
    // Prepare
    const text = `${configYaml(serviceYaml('a'))}servics: []\n`;

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('  servics: unknown key (did you mean "services"?)');
  });

  it('refuses an unknown key inside a metric stat', () => {
    // Prepare
    const text = configYaml(
      serviceYaml('web', metricYaml(['- name: m', '  metric: { namespace: N, metricName: M, statistic: Sum }', '  comparison: ">"', '  threshold: 1'])),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].health.metrics[0].metric.statistic: unknown key');
  });
});

describe('parseConfigText: wrong values', () => {
  it('names the path and "expected number" for bakeMinutes: "ten"', () => {
    // Prepare
    const text = configYaml(serviceYaml('a'), serviceYaml('b'), serviceYaml('c', ['health:', '  bakeMinutes: ten']));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('  services[2].health.bakeMinutes: ');
    expect(error.message).toContain('expected number');
    expect(error.message).toContain('received string');
  });

  it.each([[5], [7], [45], [3600]])('accepts any whole number of seconds from 5 to 3600 as pollSeconds: %i', (seconds) => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['health:', `  pollSeconds: ${seconds}`]));

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.health.pollSeconds).toBe(seconds);
  });

  it.each([
    ['4', 'Too small: expected number to be >=5'],
    ['3601', 'Too big: expected number to be <=3600'],
    ['2.5', 'Invalid input: expected int, received number'],
  ])('refuses pollSeconds: %s, naming the path and the bound', (value, message) => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['health:', `  pollSeconds: ${value}`]));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toBe(`shipwatch.yml is not a valid Shipwatch config:\n  services[0].health.pollSeconds: ${message}`);
  });

  it.each([[1], [4], [100]])('accepts consecutiveErrorLimit: %i', (limit) => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['health:', `  consecutiveErrorLimit: ${limit}`]));

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.health.consecutiveErrorLimit).toBe(limit);
  });

  it.each([
    ['0', 'Too small: expected number to be >=1'],
    ['101', 'Too big: expected number to be <=100'],
    ['1.5', 'Invalid input: expected int, received number'],
  ])('refuses consecutiveErrorLimit: %s, naming the path and the bound', (value, message) => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['health:', `  consecutiveErrorLimit: ${value}`]));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toBe(`shipwatch.yml is not a valid Shipwatch config:\n  services[0].health.consecutiveErrorLimit: ${message}`);
  });

  it('refuses a service name with characters Step Functions would not accept in an execution name', () => {
    // Prepare
    const text = configYaml(serviceYaml('web.app', [], 'web'));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].name: letters, digits, - and _ only, at most 40 characters');
  });

  it('refuses a service name longer than 40 characters', () => {
    // Prepare
    const text = configYaml(serviceYaml('a'.repeat(41), [], 'web'));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].name: letters, digits, - and _ only, at most 40 characters');
  });

  it('refuses an empty tag list', () => {
    // Prepare
    const text = configYaml(serviceYaml('web').replace('      repository: web', '      repository: web\n      tags: []'));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].image.tags:');
  });

  it('refuses a config with no services', () => {
    // Prepare
    const text = 'services: []\n';

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('  services:');
  });

  it('refuses an empty document at the top level', () => {
    // Prepare
    const text = '';

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'empty.yml'));

    // Assess
    expect(error.message).toContain('empty.yml is not a valid Shipwatch config:\n  (top level): ');
  });

  it('lists problems from different services in one error', () => {
    // Prepare
    const text = configYaml(serviceYaml('a', ['health:', '  pollSeconds: 4']), serviceYaml('b', ['scan:', '  blockAt: SEVERE']));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('  services[0].health.pollSeconds: Too small: expected number to be >=5');
    expect(error.message).toContain('  services[1].scan.blockAt:');
  });

  it('refuses a period CloudWatch does not offer', () => {
    // Prepare
    const text = configYaml(
      serviceYaml('web', metricYaml(['- name: m', '  metric: { namespace: N, metricName: M }', '  period: 45', '  comparison: ">"', '  threshold: 1'])),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].health.metrics[0].period: CloudWatch periods are 10, 30 or a multiple of 60 seconds');
  });
});

describe('parseConfigText: duplicate service names', () => {
  it('names the second occurrence and the first', () => {
    // Prepare
    const text = configYaml(serviceYaml('web'), serviceYaml('api'), serviceYaml('web', [], 'web2'));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toBe('shipwatch.yml is not a valid Shipwatch config:\n  services[2].name: duplicate service name "web" (also services[0])');
  });

  it('accepts two services on the same repository under different names', () => {
    // Prepare
    const text = configYaml(serviceYaml('web'), serviceYaml('worker', [], 'web'));

    // Act
    const config = parseConfigText(text, 'shipwatch.yml');

    // Assess
    expect(config.services.map((s) => [s.name, s.image.repository])).toEqual([
      ['web', 'web'],
      ['worker', 'web'],
    ]);
  });
});

describe('parseConfigText: metric checks', () => {
  const EITHER = 'give either `metric` or `expression` (with `metrics`), not both or neither';

  it('refuses a check with both metric and expression', () => {
    // Prepare
    const text = configYaml(
      serviceYaml(
        'web',
        metricYaml(['- name: m', '  metric: { namespace: N, metricName: M }', '  expression: "100 * e / r"', '  comparison: ">"', '  threshold: 1']),
      ),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain(`  services[0].health.metrics[0]: ${EITHER}`);
  });

  it('refuses a check with neither metric nor expression', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', metricYaml(['- name: m', '  comparison: ">"', '  threshold: 1'])));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toBe(`shipwatch.yml is not a valid Shipwatch config:\n  services[0].health.metrics[0]: ${EITHER}`);
  });

  it('refuses an expression without metrics', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', metricYaml(['- name: m', '  expression: "100 * e / r"', '  comparison: ">"', '  threshold: 1'])));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toBe(
      'shipwatch.yml is not a valid Shipwatch config:\n  services[0].health.metrics[0].metrics: `expression` needs `metrics`: the ids it refers to',
    );
  });

  it('refuses `metrics` next to a single `metric`', () => {
    // Prepare
    const text = configYaml(
      serviceYaml(
        'web',
        metricYaml([
          '- name: m',
          '  metric: { namespace: N, metricName: M }',
          '  metrics: { e: { namespace: N, metricName: E } }',
          '  comparison: ">"',
          '  threshold: 1',
        ]),
      ),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].health.metrics[0].metrics: `metrics` only goes with `expression`');
  });

  it('refuses a metric id CloudWatch would not accept', () => {
    // Prepare
    const text = configYaml(
      serviceYaml(
        'web',
        metricYaml([
          '- name: m',
          '  expression: "Errors * 2"',
          '  metrics: { Errors: { namespace: N, metricName: E } }',
          '  comparison: ">"',
          '  threshold: 1',
        ]),
      ),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    // The path is right; the schema's own hint ("a metric id: lower-case letter first") is lost
    // today because describeIssue does not unwrap zod's `invalid_key` issue (reported separately).
    expect(error.message).toContain('  services[0].health.metrics[0].metrics.Errors: ');
  });

  it('accepts an expression with its metrics', () => {
    // Prepare
    const text = configYaml(
      serviceYaml(
        'web',
        metricYaml([
          '- name: 5xx rate',
          '  expression: "100 * errors / requests"',
          '  metrics:',
          '    errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, stat: Sum }',
          '    requests: { namespace: AWS/ApplicationELB, metricName: RequestCount, dimensions: { LoadBalancer: app/web/1 }, stat: Sum }',
          '  comparison: GreaterThanOrEqualToThreshold',
          '  threshold: 2',
          '  unit: "%"',
        ]),
      ),
    );

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.health.metrics[0]).toEqual({
      name: '5xx rate',
      expression: '100 * errors / requests',
      metrics: {
        errors: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: {}, stat: 'Sum' },
        requests: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: 'app/web/1' }, stat: 'Sum' },
      },
      period: 60,
      comparison: '>=',
      threshold: 2,
      unit: '%',
      failureLimit: 1,
      inconclusiveLimit: 2,
    });
  });

  it('refuses a bake too short to fail a check, with the arithmetic', () => {
    // Prepare: the default 10-minute bake against 300 s periods, failureLimit 1, needs (1 + 2) * 300 + 60 = 960 s
    const text = configYaml(
      serviceYaml('web', metricYaml(['- name: m', '  metric: { namespace: N, metricName: M }', '  period: 300', '  comparison: ">"', '  threshold: 1'])),
    );

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toBe(
      'shipwatch.yml is not a valid Shipwatch config:\n' +
        '  services[0].health.metrics[0].period: a 10-minute bake cannot fail 300 s periods with failureLimit 1: it needs at least 16 minutes ' +
        '(2 breaching periods, one more lost to alignment, plus 60 s for CloudWatch to ingest); lengthen health.bakeMinutes or shorten the period',
    );
  });

  it('accepts a bake exactly long enough to see failureLimit + 1 periods, and refuses one minute less', () => {
    // Prepare: (1 + 2) * 60 + 60 = 240 s = 4 minutes: a bake that starts between period boundaries
    // loses one period to alignment, and with failureLimit 1 only a second breaching period fails.
    const withBake = (minutes: number) =>
      configYaml(
        serviceYaml('web', [
          ...metricYaml(['- name: m', '  metric: { namespace: N, metricName: M }', '  period: 60', '  comparison: ">"', '  threshold: 1']),
          `  bakeMinutes: ${minutes}`,
        ]),
      );

    // Act
    const enough = parseConfigText(withBake(4), 'shipwatch.yml');
    const error = thrownBy(ConfigError, () => parseConfigText(withBake(3), 'shipwatch.yml'));

    // Assess
    expect(enough.services[0]?.health.bakeMinutes).toBe(4);
    expect(error.message).toContain(
      'services[0].health.metrics[0].period: a 3-minute bake cannot fail 60 s periods with failureLimit 1: it needs at least 4 minutes',
    );
  });

  it('holds each judged traffic step of a canary to the same rule', () => {
    const withStep = (minutes: number) =>
      configYaml(
        serviceYaml('web', [
          ...metricYaml(['- name: m', '  metric: { namespace: N, metricName: M }', '  period: 60', '  comparison: ">"', '  threshold: 1']),
          `strategy: { type: canary, percent: 10, bakeMinutes: ${minutes} }`,
        ]),
      );
    expect(parseConfigText(withStep(4), 'shipwatch.yml').services[0]?.strategy).toMatchObject({ bakeMinutes: 4 });
    expect(thrownBy(ConfigError, () => parseConfigText(withStep(3), 'shipwatch.yml')).message).toContain(
      'a 3-minute traffic step cannot fail 60 s periods with failureLimit 1: it needs at least 4 minutes',
    );
    expect(thrownBy(ConfigError, () => parseConfigText(withStep(3), 'shipwatch.yml')).message).toContain('lengthen strategy.bakeMinutes');
  });
});

describe('parseConfigText: scan ignore entries', () => {
  it('reads `until` as YYYY-MM-DD whether written as a YAML date or quoted', () => {
    // Prepare
    const text = configYaml(
      serviceYaml('web', [
        'scan:',
        '  ignore:',
        '    - id: CVE-2024-0001',
        '      until: 2026-12-31',
        '      reason: not reachable',
        '    - id: CVE-2024-0002',
        '      until: "2026-12-31"',
        '      reason: vendor fix pending',
      ]),
    );

    // Act
    const [service] = parseConfigText(text, 'shipwatch.yml').services;

    // Assess
    expect(service?.scan.ignore).toEqual([
      { id: 'CVE-2024-0001', until: '2026-12-31', reason: 'not reachable' },
      { id: 'CVE-2024-0002', until: '2026-12-31', reason: 'vendor fix pending' },
    ]);
  });

  it('reads `until` given as a Date (a YAML 1.1 timestamp in an already parsed document) as its UTC day', () => {
    // Prepare
    const document = {
      services: [
        {
          name: 'web',
          image: { repository: 'web' },
          target: { ecs: { cluster: 'prod', service: 'web', container: 'app' } },
          scan: { ignore: [{ id: 'CVE-2024-0001', until: new Date('2026-12-31T00:00:00Z'), reason: 'r' }] },
        },
      ],
    };

    // Act
    const config = parseConfig(document, 'shipwatch.yml');

    // Assess
    expect(config.services[0]?.scan.ignore[0]?.until).toBe('2026-12-31');
  });

  it('refuses an `until` that is not a date', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['scan:', '  ignore:', '    - { id: CVE-1, until: next year, reason: r }']));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].scan.ignore[0].until: a date as YYYY-MM-DD');
  });

  it('refuses an `until` that is not a real calendar date', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['scan:', '  ignore:', '    - { id: CVE-1, until: 2026-02-31, reason: r }']));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].scan.ignore[0].until: a real calendar date');
  });

  it('gives every service its own default lists', () => {
    // Prepare
    const config = parseConfigText(configYaml(serviceYaml('a'), serviceYaml('b')), 'shipwatch.yml');

    // Act
    config.services[0]!.health.alarms.push('only-a');

    // Assess
    expect(config.services[1]!.health.alarms).toEqual([]);
    expect(parseConfigText(configYaml(serviceYaml('c')), 'shipwatch.yml').services[0]!.health.alarms).toEqual([]);
  });

  it('refuses an ignore entry without a reason', () => {
    // Prepare
    const text = configYaml(serviceYaml('web', ['scan:', '  ignore:', '    - { id: CVE-1, until: 2026-12-31 }']));

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toContain('services[0].scan.ignore[0].reason:');
  });
});

describe('parseConfigText: YAML errors', () => {
  it('names the file and says the YAML is invalid', () => {
    // Prepare
    const text = 'services: [\n  - name: web\n';

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'broken.yml'));

    // Assess
    expect(error.message).toMatch(/^broken\.yml is not valid YAML:\n/);
    expect(error.message).toContain('line 2');
  });

  it('refuses duplicate keys instead of keeping the last one', () => {
    // Prepare
    const text = `${configYaml(serviceYaml('web', ['health:', '  bakeMinutes: 5', '  bakeMinutes: 20']))}`;

    // Act
    const error = thrownBy(ConfigError, () => parseConfigText(text, 'shipwatch.yml'));

    // Assess
    expect(error.message).toMatch(/^shipwatch\.yml is not valid YAML:\n/);
    expect(error.message).toContain('Map keys must be unique');
  });
});

describe('formatPath and configPath', () => {
  it('writes a path as a user would', () => {
    // Prepare / Act / Assess
    expect(formatPath(['services', 2, 'health', 'bakeMinutes'])).toBe('services[2].health.bakeMinutes');
    expect(formatPath(['services', 0, 'health', 'metrics', 1, 'metrics', 'errors'])).toBe('services[0].health.metrics[1].metrics.errors');
    expect(formatPath([])).toBe('');
  });

  it('takes the config file from SHIPWATCH_CONFIG, else shipwatch.yml', () => {
    // Prepare / Act / Assess
    expect(configPath({ SHIPWATCH_CONFIG: 'conf/prod.yml' })).toBe('conf/prod.yml');
    expect(configPath({})).toBe('shipwatch.yml');
  });
});

describe('loadConfig', () => {
  it('names the file it cannot read', () => {
    // Prepare
    const missing = fixturePath('no-such-shipwatch.yml');

    // Act
    const error = thrownBy(ConfigError, () => loadConfig(missing));

    // Assess
    expect(error.message).toMatch(/^cannot read the Shipwatch config .*no-such-shipwatch\.yml: ENOENT/);
    expect(error.message).toContain(missing);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('parses the repository example shipwatch.yml', () => {
    // Prepare
    const file = repoFile('../../shipwatch.yml');

    // Act
    const config = loadConfig(file);

    // Assess
    expect(config.services.map((s) => s.name)).toEqual(['checkout']);
    const [checkout] = config.services;
    expect(checkout?.image).toEqual({ repository: 'checkout', tags: ['v*'] });
    expect(checkout?.scan.blockAt).toBe('HIGH');
    expect(checkout?.health.alarms).toEqual(['checkout-5xx']);
    expect(checkout?.health.metrics[0]?.comparison).toBe('>');
    expect(Object.keys(checkout?.health.metrics[0]?.metrics ?? {})).toEqual(['errors', 'requests']);
  });

  it('parses the test fixture config used by the handler tests', () => {
    // Prepare
    const file = fixturePath('shipwatch.test.yml');

    // Act
    const config = loadConfig(file);

    // Assess
    expect(config.services.map((s) => [s.name, s.image.repository, s.image.tags])).toEqual([
      ['web', 'web', ['v*', 'release-*']],
      ['worker', 'web', ['v*']],
      ['api', 'api', ['*']],
    ]);
    expect(config.services[0]?.scan.ignore).toEqual([{ id: 'CVE-2023-0001', until: '2099-12-31', reason: 'not reachable in our build' }]);
    expect(config.services[2]?.health).toEqual({
      alarms: [],
      metrics: [],
      bakeMinutes: 10,
      pollSeconds: 30,
      consecutiveErrorLimit: 4,
      rolloutTimeoutMinutes: 30,
      guardMinutes: 60,
      fixForwardTags: [],
    });
  });
});
