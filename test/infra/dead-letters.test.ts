import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The dead-letter queues' alarms notify the SNS topic named when packaging
// (SHIPWATCH_ALARM_TOPIC_ARN), or nobody but the console; see README "Dead-letter queues".

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const { deadLetterResources } = createRequire(import.meta.url)('../../infra/dead-letters.cjs') as {
  deadLetterResources(options: { ruleNames: Record<string, string>; prefix: string; topicArn?: string }): {
    Resources: Resources;
    Outputs: Record<string, unknown>;
  };
};
const ruleNames = {
  pushes: 'shipwatch-prod-startDeployments-rule-1',
  alarms: 'shipwatch-prod-alarmRollback-rule-1',
  closes: 'shipwatch-prod-closeRecord-rule-1',
};
const alarms = (resources: Resources) => Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');

describe('dead-letter queue alarms', () => {
  it('notify the topic given when packaging', () => {
    // Act
    const { Resources } = deadLetterResources({ ruleNames, prefix: 'shipwatch-prod', topicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall' });

    // Assess
    expect(alarms(Resources).map((a) => [a.Properties.AlarmName, a.Properties.AlarmActions])).toEqual([
      ['shipwatch-prod-failed-pushes', ['arn:aws:sns:eu-west-1:123456789012:oncall']],
      ['shipwatch-prod-failed-alarm-events', ['arn:aws:sns:eu-west-1:123456789012:oncall']],
      ['shipwatch-prod-failed-status-events', ['arn:aws:sns:eu-west-1:123456789012:oncall']],
    ]);
  });

  it('have no action without one (the console and the outputs still show them)', () => {
    // Act
    const { Resources } = deadLetterResources({ ruleNames, prefix: 'shipwatch-prod' });

    // Assess
    expect(alarms(Resources).map((a) => a.Properties.AlarmActions)).toEqual([undefined, undefined, undefined]);
  });

  it('refuse a serverless.yml without the rule names the queue policies need', () => {
    // Act / Assess
    expect(() => deadLetterResources({ ruleNames: { pushes: 'p', alarms: 'a' }, prefix: 'shipwatch-prod' })).toThrow(
      'serverless.yml: custom.eventRules.closes is not set',
    );
  });
});
