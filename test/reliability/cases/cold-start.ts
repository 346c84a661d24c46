import type { Case } from '../case.js';

// Cold start: what start-deployments and alarm-rollback read at import (the
// config file and the environment), named wrongly or left out.

export const COLD_START_CASES: Case[] = [
  {
    kind: 'cold-start',
    entry: 'start-deployments',
    category: 'config-typo',
    name: 'SHIPWATCH_CONFIG names a file that does not exist',
    env: { SHIPWATCH_CONFIG: 'test/fixtures/shipwatch.tset.yml' },
    expect: { throws: 'ConfigError', message: /^cannot read the Shipwatch config test\/fixtures\/shipwatch\.tset\.yml: ENOENT/ },
  },
  {
    kind: 'cold-start',
    entry: 'alarm-rollback',
    category: 'config-typo',
    name: 'SHIPWATCH_CONFIG names a file that does not exist',
    env: { SHIPWATCH_CONFIG: 'shipwatch.yaml.bak' },
    expect: { throws: 'ConfigError', message: /^cannot read the Shipwatch config shipwatch\.yaml\.bak: ENOENT/ },
  },
  {
    kind: 'cold-start',
    entry: 'start-deployments',
    category: 'foreign',
    name: 'SHIPWATCH_CONFIG names an EventBridge sample',
    env: { SHIPWATCH_CONFIG: 'test/fixtures/eventbridge-ecr-image-action-push-success.json' },
    expect: {
      throws: 'ConfigError',
      message: /^test\/fixtures\/eventbridge-ecr-image-action-push-success\.json is not a valid Shipwatch config:\n {2}services: missing \(expected array\)/,
    },
  },
  {
    kind: 'cold-start',
    entry: 'start-deployments',
    category: 'config-typo',
    name: 'STATE_MACHINE_ARN left empty',
    env: { STATE_MACHINE_ARN: '' },
    expect: { throws: 'ConfigError', message: /STATE_MACHINE_ARN/ },
  },
  {
    kind: 'cold-start',
    entry: 'alarm-rollback',
    category: 'config-typo',
    name: 'STATE_MACHINE_ARN not set',
    env: { STATE_MACHINE_ARN: undefined },
    expect: { throws: 'ConfigError', message: /STATE_MACHINE_ARN/ },
  },
];
