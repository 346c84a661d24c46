import { beforeAll, describe, expect, it } from 'vitest';
import { GOV_CLOUD, resolve, resolveAll } from '../support/cloudformation.js';
import { idsOfType, packageStack, type Template } from '../support/packaged.js';

// The stack `serverless package` writes for test/fixtures/shipwatch.infra.yml,
// read as an account in the aws-us-gov partition would see it (a hard-coded
// `arn:aws:` shows at once). Issue #11, items 3, 12, 13, 14, 16 and 17.

let template: Template;
beforeAll(() => {
  template = packageStack('test/fixtures/shipwatch.infra.yml');
}, 180_000);

const resource = (id: string) => {
  const r = template.Resources[id];
  if (!r) throw new Error(`no resource ${id} in the packaged template`);
  return r;
};
/** The EventBridge rule that invokes a function. */
function ruleInvoking(fn: string) {
  const ids = idsOfType(template, 'AWS::Events::Rule').filter((id) =>
    resource(id).Properties.Targets.some((t: { Arn: unknown }) => resolve(t.Arn) === `<${fn}LambdaFunction.Arn>`),
  );
  expect(ids).toHaveLength(1);
  return resource(ids[0]!);
}
const ruleArn = (rule: { Properties: Record<string, any> }) =>
  `arn:${GOV_CLOUD.partition}:events:${GOV_CLOUD.region}:${GOV_CLOUD.account}:rule/${rule.Properties.Name}`;
const policyOf = (role: string) =>
  resource(role).Properties.Policies[0].PolicyDocument.Statement as { Action: string[]; Resource: unknown[]; Condition?: unknown }[];

describe('FailedPushesQueuePolicy (item 14)', () => {
  it('lets only the push rule send to the queue (aws:SourceArn)', () => {
    // Prepare
    const pushes = ruleInvoking('StartDeployments');

    // Act
    const statements = resource('FailedPushesQueuePolicy').Properties.PolicyDocument.Statement;

    // Assess
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
    expect(resolve(statements[0].Resource)).toBe('<FailedPushesQueue.Arn>');
    expect(Object.keys(statements[0].Condition)).toEqual(['ArnEquals']);
    expect(resolve(statements[0].Condition.ArnEquals['aws:SourceArn'])).toBe(ruleArn(pushes));
    expect(pushes.Properties.Name).toBe('shipwatch-itest-startDeployments-rule-1');
  });

  it('is the queue the push rule dead-letters to', () => {
    // Act
    const [target] = ruleInvoking('StartDeployments').Properties.Targets;

    // Assess
    expect(resolve(target.DeadLetterConfig.Arn)).toBe('<FailedPushesQueue.Arn>');
  });
});

describe('the roles as packaged (items 12, 13)', () => {
  it('scanImage reads Amazon Inspector findings and coverage', () => {
    // Assess
    expect(policyOf('ScanImageRole').filter((s) => s.Action.some((a) => a.startsWith('inspector2:')))).toEqual([
      { Effect: 'Allow', Action: ['inspector2:ListFindings', 'inspector2:ListCoverage'], Resource: ['*'] },
    ]);
  });

  it('deployRelease registers the configured families and passes the declared roles', () => {
    // Act
    const statements = policyOf('DeployReleaseRole');

    // Assess
    const register = statements.find((s) => s.Action.includes('ecs:RegisterTaskDefinition'))!;
    expect(resolveAll(register.Resource)).toEqual([
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/checkout:*',
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/worker-td:*',
    ]);
    const pass = statements.find((s) => s.Action.includes('iam:PassRole'))!;
    expect(resolveAll(pass.Resource)).toEqual([
      'arn:aws-us-gov:iam::123456789012:role/checkout-task',
      'arn:aws-us-gov:iam::123456789012:role/service-role/ecsTaskExecutionRole',
    ]);
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });
});

describe('EKS access entries as packaged (item 17)', () => {
  it('gives the five calling roles an entry on prod-eu and on prod_eu', () => {
    // Act
    const entries = idsOfType(template, 'AWS::EKS::AccessEntry').map((id) => resource(id).Properties);

    // Assess
    const byCluster = (cluster: string) =>
      entries
        .filter((e) => e.ClusterName === cluster)
        .map((e) => resolve(e.PrincipalArn))
        .sort();
    const roles = ['<AdvanceReleaseRole.Arn>', '<CheckHealthRole.Arn>', '<DeployReleaseRole.Arn>', '<RollBackRole.Arn>', '<WatchRolloutRole.Arn>'];
    expect(byCluster('prod-eu')).toEqual(roles);
    expect(byCluster('prod_eu')).toEqual(roles);
  });
});

describe('events the EventBridge-invoked functions cannot handle land in a queue with an alarm (item 3)', () => {
  const DEAD_LETTERS = [
    {
      fn: 'StartDeployments',
      queue: 'FailedPushesQueue',
      alarm: 'shipwatch-itest-failed-pushes',
      others: ['FailedAlarmEventsQueue', 'FailedStatusEventsQueue'],
    },
    {
      fn: 'AlarmRollback',
      queue: 'FailedAlarmEventsQueue',
      alarm: 'shipwatch-itest-failed-alarm-events',
      others: ['FailedPushesQueue', 'FailedStatusEventsQueue'],
    },
    {
      fn: 'CloseRecord',
      queue: 'FailedStatusEventsQueue',
      alarm: 'shipwatch-itest-failed-status-events',
      others: ['FailedPushesQueue', 'FailedAlarmEventsQueue'],
    },
  ];

  for (const { fn, queue, alarm, others } of DEAD_LETTERS) {
    describe(`${fn} → ${queue}`, () => {
      it('keeps what it holds for 14 days, encrypted', () => {
        // Assess
        expect(resource(queue)).toEqual({ Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } });
      });

      it('is where EventBridge puts an event it could not deliver, after retrying', () => {
        // Act
        const [target, ...more] = ruleInvoking(fn).Properties.Targets;

        // Assess
        expect(more).toEqual([]);
        expect(resolve(target.DeadLetterConfig.Arn)).toBe(`<${queue}.Arn>`);
        expect(target.RetryPolicy.MaximumRetryAttempts).toBe(185);
      });

      it('lets only that rule send to it', () => {
        // Act
        const [statement, ...more] = resource(`${queue}Policy`).Properties.PolicyDocument.Statement;

        // Assess
        expect(more).toEqual([]);
        expect(resource(`${queue}Policy`).Properties.Queues.map((q: unknown) => resolve(q))).toEqual([`<${queue}>`]);
        expect(statement).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
        expect(resolve(statement.Resource)).toBe(`<${queue}.Arn>`);
        expect(resolve(statement.Condition.ArnEquals['aws:SourceArn'])).toBe(ruleArn(ruleInvoking(fn)));
      });

      it("is the function's on-failure destination once Lambda's own retries are spent", () => {
        // Act
        const configs = idsOfType(template, 'AWS::Lambda::EventInvokeConfig')
          .map((id) => resource(id).Properties)
          .filter((p) => resolve(p.FunctionName) === `<${fn}LambdaFunction>`);

        // Assess
        expect(configs).toHaveLength(1);
        expect(resolve(configs[0]!.DestinationConfig.OnFailure.Destination)).toBe(`<${queue}.Arn>`);
      });

      it("is the only queue the function's role may send to (Lambda sends the record with that role)", () => {
        // Act
        const sends = policyOf(`${fn}Role`).filter((s) => s.Action.some((a) => a.startsWith('sqs:')));

        // Assess
        expect(sends).toEqual([{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [queue, 'Arn'] }] }]);
        for (const other of others) expect(JSON.stringify(sends)).not.toContain(other);
      });

      it('raises an alarm as soon as anything is in it', () => {
        // Act
        const alarms = idsOfType(template, 'AWS::CloudWatch::Alarm')
          .map((id) => resource(id).Properties)
          .filter((p) => p.AlarmName === alarm);

        // Assess
        expect(alarms).toHaveLength(1);
        expect(alarms[0]).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
        });
        expect(alarms[0]!.Dimensions.map((d: { Name: string; Value: unknown }) => [d.Name, resolve(d.Value)])).toEqual([['QueueName', `<${queue}.QueueName>`]]);
      });

      it('is named, with its alarm, in the stack outputs', () => {
        // Assess
        expect(resolve(template.Outputs[`${queue}Url`]!.Value)).toBe(`<${queue}>`);
        expect(template.Outputs[`${queue}AlarmName`]!.Value).toBe(alarm);
      });
    });
  }

  it("gives an alarm event up after an hour (a rollback decided later is a person's call), where a push or a status change has a day", () => {
    // Act
    const age = (fn: string) => ruleInvoking(fn).Properties.Targets[0].RetryPolicy.MaximumEventAgeInSeconds;
    const lambdaAge = (fn: string) =>
      idsOfType(template, 'AWS::Lambda::EventInvokeConfig')
        .map((id) => resource(id).Properties)
        .find((p) => resolve(p.FunctionName) === `<${fn}LambdaFunction>`)!.MaximumEventAgeInSeconds;

    // Assess
    expect([age('AlarmRollback'), lambdaAge('AlarmRollback')]).toEqual([3600, 3600]);
    expect([age('StartDeployments'), age('CloseRecord')]).toEqual([86400, 86400]);
  });
});

describe('the deploy state machine outside the aws partition (item 16)', () => {
  /** The definition Step Functions receives in an aws-us-gov account. */
  const definition = () =>
    JSON.parse(resolve(resource('DeployStateMachine').Properties.DefinitionString)) as { States: Record<string, { Type: string; Resource?: string }> };

  it('waits for the approval token through the partition the stack is in', () => {
    // Act
    const approval = definition().States.RequestApproval!;

    // Assess
    expect(approval.Resource).toBe('arn:aws-us-gov:states:::lambda:invoke.waitForTaskToken');
  });

  it('names no partition itself anywhere in the definition', () => {
    // Act
    const text = JSON.stringify(resource('DeployStateMachine').Properties.DefinitionString);

    // Assess
    expect(text.match(/arn:aws[:-][^"\\]*/g) ?? []).toEqual([]);
    for (const [name, state] of Object.entries(definition().States)) {
      if (state.Type === 'Task')
        expect([name, state.Resource]).toEqual([
          name,
          expect.stringMatching(/^(arn:aws-us-gov:states:::lambda:invoke\.waitForTaskToken|<\w+LambdaFunction\.Arn>)$/),
        ]);
    }
  });
});
