import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { resolveAll } from '../support/cloudformation.js';
import { actionsOf, grantsOf, iam, type Statement } from '../support/iam.js';

// Canary, linear and blue/green on ECS (#16): each role names only what its
// function sends, on the progressive services' own deployments and revisions
// (Service Authorization Reference, Amazon ECS: DescribeServiceDeployments,
// ContinueServiceDeployment and StopServiceDeployment take the `service` and
// `service-deployment` resource types, DescribeServiceRevisions `service` and
// `service-revision`, ListServiceDeployments `service`), and ECS gets a role
// that may invoke the hook and nothing else.

const config = (strategy: string) =>
  parseConfigText(
    `services:
  - name: checkout
    image: { repository: checkout }
    target: { ecs: { cluster: prod, service: checkout, container: app } }
    strategy: ${strategy}
    health: { alarms: [checkout-5xx] }
  - name: worker
    image: { repository: worker }
    target: { ecs: { cluster: prod, service: worker, container: app } }`,
    'inline.yml',
  );
const statements = (strategy: string) => iam.statementsFor(config(strategy), 'test');
const granting = (list: Statement[], action: string) => list.filter((s) => s.Action.includes(action));
const SERVICE = 'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/prod/checkout';
const DEPLOYMENTS = 'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service-deployment/prod/checkout/*';
const REVISIONS = 'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service-revision/prod/checkout/*';

describe('a progressive ECS service', () => {
  const roles = statements('{ type: canary }');

  it('deployRelease passes the hook-invoking role, to ECS only, and finds the deployment it started', () => {
    const [pass, ...others] = granting(roles.deployRelease!, 'iam:PassRole').filter(
      (s) => s.Condition?.StringEquals?.['iam:PassedToService'] === 'ecs.amazonaws.com',
    );
    expect(others).toEqual([]);
    expect(resolveAll(pass!.Resource)).toEqual(['<EcsHookInvokeRole.Arn>']);
    expect(actionsOf(roles.deployRelease!, 'ecs:')).toEqual([
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServices',
      'ecs:DescribeTaskDefinition',
      'ecs:ListServiceDeployments',
      'ecs:RegisterTaskDefinition',
      'ecs:TagResource',
      'ecs:UpdateService',
    ]);
  });

  it("names the progressive service's deployments and revisions only, never the rolling one's", () => {
    expect(resolveAll(granting(roles.watchRollout!, 'ecs:DescribeServiceDeployments')[0]!.Resource)).toEqual([SERVICE, DEPLOYMENTS]);
    expect(resolveAll(granting(roles.watchRollout!, 'ecs:DescribeServiceRevisions')[0]!.Resource)).toEqual([SERVICE, REVISIONS]);
    expect(resolveAll(granting(roles.watchRollout!, 'ecs:ListServiceDeployments')[0]!.Resource)).toEqual([SERVICE]);
  });

  it('advanceRelease continues or stops a paused deployment and reads what the hook decided', () => {
    expect(actionsOf(roles.advanceRelease!, 'ecs:')).toEqual([
      'ecs:ContinueServiceDeployment',
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServices',
      'ecs:ListServiceDeployments',
      'ecs:StopServiceDeployment',
    ]);
    expect(resolveAll(granting(roles.advanceRelease!, 'ecs:ContinueServiceDeployment')[0]!.Resource)).toEqual([SERVICE, DEPLOYMENTS]);
    expect(actionsOf(roles.advanceRelease!, 'dynamodb:')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
  });

  it('rollBack may stop a deployment under way', () => {
    expect(actionsOf(roles.rollBack!, 'ecs:')).toEqual([
      'ecs:DescribeServiceDeployments',
      'ecs:DescribeServiceRevisions',
      'ecs:DescribeServices',
      'ecs:ListServiceDeployments',
      'ecs:StopServiceDeployment',
      'ecs:UpdateService',
    ]);
  });

  it('the hook reads the deployment and the new revision, lets the first pause go, measures, and remembers', () => {
    const hook = roles.ecsLifecycleHook!;
    expect(actionsOf(hook, 'ecs:')).toEqual(['ecs:ContinueServiceDeployment', 'ecs:DescribeServiceDeployments', 'ecs:DescribeServiceRevisions']);
    expect(actionsOf(hook, 'cloudwatch:')).toEqual(['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData']);
    expect(resolveAll(granting(hook, 'cloudwatch:DescribeAlarms')[0]!.Resource)).toEqual([
      'arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:checkout-5xx',
    ]);
    expect(actionsOf(hook, 'dynamodb:')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(grantsOf(hook, 'iam:')).toEqual([]);
  });
});

describe('without a progressive ECS service', () => {
  it('no function gets a service-deployment permission, and the hook may reach nothing of ours', () => {
    const roles = statements('{ type: rolling }');
    for (const fn of ['deployRelease', 'watchRollout', 'checkHealth', 'advanceRelease', 'rollBack']) {
      expect(actionsOf(roles[fn]!, 'ecs:').filter((a) => /ServiceDeployment|ServiceRevision/.test(a))).toEqual([]);
    }
    expect(granting(roles.deployRelease!, 'iam:PassRole').filter((s) => s.Condition?.StringEquals?.['iam:PassedToService'] === 'ecs.amazonaws.com')).toEqual(
      [],
    );
    expect(resolveAll(granting(roles.ecsLifecycleHook!, 'ecs:DescribeServiceDeployments')[0]!.Resource)).toEqual([
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/shipwatch-none/none',
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service-deployment/shipwatch-none/none/*',
    ]);
  });
});

describe('the role ECS assumes to invoke the hook', () => {
  it('is trusted by ecs.amazonaws.com and may invoke the hook function only', async () => {
    const { Resources } = await iam.roles({ resolveVariable: async (name) => (name === 'self:service' ? 'shipwatch' : 'test') });
    const role = Resources.EcsHookInvokeRole as {
      Properties: { AssumeRolePolicyDocument: unknown; Policies: { PolicyDocument: { Statement: Statement[] } }[] };
    };
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const granted = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(granted.map((s) => [s.Action, resolveAll(s.Resource)])).toEqual([[['lambda:InvokeFunction'], ['<EcsLifecycleHookLambdaFunction.Arn>']]]);
  });
});
