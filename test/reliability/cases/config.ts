import type { Case, Category } from '../case.js';
import { APPROVER, CHANNEL, GROUP, pushEvent } from '../../support/reliability/world.js';

// config: parseConfigText (shared/config/load.ts), as every cold start runs
// it, fed typos, wrong values, cut files, foreign text and an alias bomb.

const SERVICE_YAML = `services:
  - name: web
    image:
      repository: web
      tags: ["v*"]
    target:
      ecs: { cluster: prod, service: web, container: app }
    health:
      alarms: [web-5xx-alarm]
      bakeMinutes: 10
`;
/** A valid config (the test checks it parses), changed by `edit`. */
export const VALID_CONFIG_TEXT = SERVICE_YAML;
const configWith = (edit: (text: string) => string) => edit(SERVICE_YAML);
const appended = (yaml: string) => SERVICE_YAML + yaml;
const APPROVAL_YAML = `    approval:\n      channel: ${CHANNEL}\n      approvers: [${APPROVER}, ${GROUP}]\n`;
const notValid = (line: string) => new RegExp(`^shipwatch\\.yml is not a valid Shipwatch config:\\n(.*\\n)*\\s*${line}`);

const config = (category: Category, name: string, text: string, line: string, bug?: string): Case => ({
  kind: 'config',
  entry: 'config',
  category,
  name,
  text,
  expect: { throws: 'ConfigError', message: notValid(line) },
  ...(bug ? { bug } : {}),
});

export const CONFIG_CASES: Case[] = [
  config(
    'config-typo',
    'bakeMinute for bakeMinutes',
    configWith((t) => t.replace('bakeMinutes:', 'bakeMinute:')),
    'services\\[0\\]\\.health\\.bakeMinute: unknown key \\(did you mean "bakeMinutes"\\?\\)',
  ),
  config(
    'config-typo',
    'imag for image',
    configWith((t) => t.replace('image:', 'imag:')),
    'services\\[0\\]\\.imag: unknown key \\(did you mean "image"\\?\\)',
  ),
  config(
    'config-typo',
    'service for services at the top',
    configWith((t) => t.replace('services:', 'service:')),
    'service: unknown key \\(did you mean "services"\\?\\)',
  ),
  config(
    'config-typo',
    'pollSeconds 4 (below 5)',
    appended('      pollSeconds: 4\n'),
    'services\\[0\\]\\.health\\.pollSeconds: Too small: expected number to be >=5',
  ),
  config(
    'config-typo',
    'bakeMinutes in words',
    configWith((t) => t.replace('bakeMinutes: 10', 'bakeMinutes: ten')),
    'services\\[0\\]\\.health\\.bakeMinutes: Invalid input: expected number, received string',
  ),
  config(
    'config-typo',
    'a list of alarms written as one string',
    configWith((t) => t.replace('alarms: [web-5xx-alarm]', 'alarms: web-5xx-alarm')),
    'services\\[0\\]\\.health\\.alarms: Invalid input: expected array, received string',
  ),
  config(
    'config-typo',
    'two services with one name',
    configWith((t) => t + t.replace('services:\n', '').replace('service: web', 'service: web-canary')),
    'services\\[1\\]\\.name: duplicate service name "web" \\(also services\\[0\\]\\)',
  ),
  config(
    'config-typo',
    'a service name with a space',
    configWith((t) => t.replace('name: web', 'name: web app')),
    'services\\[0\\]\\.name: letters, digits, - and _ only, at most 40 characters',
  ),
  config(
    'config-typo',
    'an upper-case repository name',
    configWith((t) => t.replace('repository: web', 'repository: Web')),
    'services\\[0\\]\\.image\\.repository: an ECR repository name',
  ),
  config(
    'config-typo',
    'an empty tag list',
    configWith((t) => t.replace('tags: ["v*"]', 'tags: []')),
    'services\\[0\\]\\.image\\.tags: Too small: expected array to have >=1 items',
  ),
  config(
    'config-typo',
    'a tag filter written as a regular expression',
    configWith((t) => t.replace('tags: ["v*"]', 'tags: ["^v\\\\d+$"]')),
    'services\\[0\\]\\.image\\.tags\\[0\\]',
  ),
  config(
    'config-typo',
    'a container left out',
    configWith((t) => t.replace(', container: app', '')),
    'services\\[0\\]\\.target\\.ecs\\.container: missing \\(expected string\\)',
  ),
  config(
    'config-typo',
    'both ecs and eks targets',
    configWith((t) =>
      t.replace(
        'ecs: { cluster: prod, service: web, container: app }',
        'ecs: { cluster: prod, service: web, container: app }\n      eks: { cluster: prod, deployment: web, container: app }',
      ),
    ),
    'services\\[0\\]\\.target: exactly one of `ecs` or `eks`',
  ),
  config(
    'config-typo',
    'an upper-case Kubernetes namespace',
    configWith((t) =>
      t.replace('ecs: { cluster: prod, service: web, container: app }', 'eks: { cluster: prod, namespace: Prod, deployment: web, container: app }'),
    ),
    'services\\[0\\]\\.target\\.eks\\.namespace: a Kubernetes namespace name',
  ),
  config(
    'config-typo',
    'a severity that does not exist',
    appended('    scan: { blockAt: SEVERE }\n'),
    'services\\[0\\]\\.scan\\.blockAt: .*(CRITICAL|expected one of)',
  ),
  config(
    'config-typo',
    'an ignore entry until 30 February',
    appended('    scan:\n      ignore: [{ id: CVE-2026-0001, until: 2026-02-30, reason: not reachable }]\n'),
    'services\\[0\\]\\.scan\\.ignore\\[0\\]\\.until: a real calendar date',
  ),
  config(
    'config-typo',
    'comparison "=>"',
    SERVICE_YAML.replace(
      '      bakeMinutes: 10\n',
      '      bakeMinutes: 10\n      metrics: [{ name: 5xx, metric: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count }, comparison: "=>", threshold: 1 }]\n',
    ),
    'services\\[0\\]\\.health\\.metrics\\[0\\]\\.comparison: Invalid option: expected one of "GreaterThanThreshold"',
  ),
  config(
    'config-typo',
    'a metric id starting with a capital',
    SERVICE_YAML.replace(
      '      bakeMinutes: 10\n',
      '      bakeMinutes: 10\n      metrics:\n        - name: 5xx rate\n          expression: "100 * Errors / requests"\n          metrics:\n            Errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count }\n            requests: { namespace: AWS/ApplicationELB, metricName: RequestCount }\n          comparison: ">"\n          threshold: 2\n',
    ),
    'services\\[0\\]\\.health\\.metrics\\[0\\]\\.metrics\\.Errors: invalid key: a metric id: lower-case letter first',
  ),
  config(
    'config-typo',
    'an approval channel given by name',
    appended(APPROVAL_YAML.replace(CHANNEL, '"#deploys"')),
    'services\\[0\\]\\.approval\\.channel: a Slack channel id \\(C…, as in the channel details\\), not its name',
  ),
  config(
    'config-typo',
    'an approver given by handle',
    appended(APPROVAL_YAML.replace(APPROVER, 'alice')),
    'services\\[0\\]\\.approval\\.approvers\\[0\\]: a Slack user id \\(U…, W…\\) or user-group id \\(S…\\)',
  ),
  config(
    'config-typo',
    'an empty approver list',
    appended(APPROVAL_YAML.replace(`[${APPROVER}, ${GROUP}]`, '[]')),
    'services\\[0\\]\\.approval\\.approvers: at least one approver, or nobody can ever approve',
  ),
  config(
    'config-typo',
    'an approval timeout of 0 minutes',
    appended(`${APPROVAL_YAML}      timeoutMinutes: 0\n`),
    'services\\[0\\]\\.approval\\.timeoutMinutes: Too small: expected number to be >=1',
  ),
  config(
    'config-typo',
    'onTimeout "allow"',
    appended(`${APPROVAL_YAML}      onTimeout: allow\n`),
    'services\\[0\\]\\.approval\\.onTimeout: Invalid option: expected one of "reject"\\|"approve"',
  ),
  config(
    'config-typo',
    'approval.required "yes"',
    appended(`${APPROVAL_YAML}      required: "yes"\n`),
    'services\\[0\\]\\.approval\\.required: .*(true|boolean)',
  ),
  config(
    'config-typo',
    'a notify channel given by name',
    appended('    notify: { channel: deploys }\n'),
    'services\\[0\\]\\.notify\\.channel: a Slack channel id',
  ),
  {
    kind: 'config',
    entry: 'config',
    category: 'config-typo',
    name: 'a tab in the indentation',
    text: SERVICE_YAML.replace('  - name: web', '\t- name: web'),
    expect: { throws: 'ConfigError', message: /^shipwatch\.yml is not valid YAML:\n {2}Tabs are not allowed as indentation at line 2/ },
  },
  {
    kind: 'config',
    entry: 'config',
    category: 'config-typo',
    name: 'a key given twice',
    text: SERVICE_YAML.replace('      bakeMinutes: 10\n', '      bakeMinutes: 10\n      bakeMinutes: 5\n'),
    expect: { throws: 'ConfigError', message: /^shipwatch\.yml is not valid YAML:\n {2}Map keys must be unique at line 11/ },
  },
  config('truncated', 'an empty file', '', '\\(top level\\): Invalid input: expected object, received null'),
  config(
    'truncated',
    'a file cut inside the first service',
    SERVICE_YAML.slice(0, SERVICE_YAML.indexOf('    target:')),
    'services\\[0\\]\\.target: missing \\(expected object\\)',
  ),
  config(
    'foreign',
    'an EventBridge event instead of a config',
    JSON.stringify(pushEvent(), null, 2),
    'services: missing \\(expected array\\)(.*\\n)*\\s*version: unknown key',
  ),
  {
    kind: 'config',
    entry: 'config',
    category: 'oversized',
    name: 'an alias bomb (10^6 nodes from 6 lines)',
    text: [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'services: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
      '',
    ].join('\n'),
    expect: { throws: 'ConfigError', message: /^shipwatch\.yml is not valid YAML:.*alias/s },
  },
];
