import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFINITION_FILE, loadDefinition } from '../../local/definition.js';

// statemachines/deploy.asl.yml builds the approval state's service ARN from
// AWS::Partition (issue #11, item 16); local runs read the same file and
// resolve it to the `aws` partition, which the local Step Functions speak.

describe('the approval state in statemachines/deploy.asl.yml', () => {
  it('builds its Resource from AWS::Partition, never a literal partition', () => {
    // Act
    const source = parse(readFileSync(DEFINITION_FILE, 'utf8'), { merge: true, maxAliasCount: -1 }) as { States: Record<string, { Resource?: unknown }> };

    // Assess
    expect(JSON.stringify(source.States.RequestApproval!.Resource)).toContain('{"Ref":"AWS::Partition"}');
    expect(readFileSync(DEFINITION_FILE, 'utf8').match(/arn:aws[:-]\S*/g) ?? []).toEqual([]);
  });

  it('is a .waitForTaskToken state in local runs, in the aws partition', () => {
    // Act
    const { definition, waitsForToken, taskFunctions } = loadDefinition();

    // Assess
    expect(definition.States.RequestApproval!.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    // The approval, and the event-driven waits (awaitEvent), share the one partition-built ARN.
    expect([...waitsForToken].sort()).toEqual([
      'AwaitBake',
      'AwaitProgress',
      'AwaitRollback',
      'AwaitRollout',
      'AwaitScan',
      'RequestApproval',
      'RequestPromotion',
    ]);
    for (const state of waitsForToken) expect(definition.States[state]!.Resource, state).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(taskFunctions.RequestApproval).toBe('requestApproval');
  });
});
