// Serverless variable source for serverless.yml: `${file(./infra/dead-letters.cjs):resources}`.
//
// Where the events of the EventBridge-invoked functions go when they cannot be
// handled: an SQS queue per function that is both the rule target's
// dead-letter queue (EventBridge could not invoke the function) and the
// function's on-failure destination (the function failed after Lambda's own
// retries). The rule names are fixed in serverless.yml (custom.eventRules) so
// each queue policy can name the one rule allowed to send to it.
const { allow, inAccount } = require('./policy.cjs');

/** Per EventBridge-invoked function: its rule (a key of custom.eventRules), its queue, and the queue's alarm. */
const DEAD_LETTERS = {
  startDeployments: {
    rule: 'pushes',
    queue: 'FailedPushesQueue',
    alarm: 'failed-pushes',
    holds: 'Pushes that could not start a deployment (inspect, then redrive)',
  },
  alarmRollback: {
    rule: 'alarms',
    queue: 'FailedAlarmEventsQueue',
    alarm: 'failed-alarm-events',
    holds: 'Alarm state changes Shipwatch could not act on: no rollback was decided (inspect, then roll back by hand or redrive)',
  },
  closeRecord: {
    rule: 'closes',
    queue: 'FailedStatusEventsQueue',
    alarm: 'failed-status-events',
    holds: 'Executions that died without an outcome and could not be closed: the record stays open, the lease held until it expires (inspect, then redrive)',
  },
};

const queueArn = (queue) => ({ 'Fn::GetAtt': [queue, 'Arn'] });

/**
 * EventBridge sends to a dead-letter queue as events.amazonaws.com, so the
 * queue policy must allow that principal; aws:SourceArn keeps every other rule
 * (of any account) out. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
function queuePolicy(queue, ruleName) {
  return {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            ...allow('sqs:SendMessage', queueArn(queue), { ArnEquals: { 'aws:SourceArn': inAccount('events', `rule/${ruleName}`) } }),
            Principal: { Service: 'events.amazonaws.com' },
          },
        ],
      },
    },
  };
}

/**
 * In ALARM while anything waits in the queue: nothing in it is handled until a
 * person looks. SQS publishes ApproximateNumberOfMessagesVisible every few
 * minutes while a queue is active; no datapoint means no message.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/dead-letter-queues-alarms-cloudwatch.html
 * With SHIPWATCH_ALARM_TOPIC_ARN set when packaging, the alarm notifies that SNS topic.
 */
function queueAlarm(queue, alarmName, holds, topicArn) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: alarmName,
      AlarmDescription: `${holds}: ${queue} is not empty.`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...(topicArn ? { AlarmActions: [topicArn] } : {}),
    },
  };
}

/** The queues, their policies, alarms and outputs, for the rule names serverless.yml gives. */
function deadLetterResources({ ruleNames, prefix, topicArn }) {
  const Resources = {};
  const Outputs = {};
  for (const { rule, queue, alarm, holds } of Object.values(DEAD_LETTERS)) {
    const ruleName = ruleNames[rule];
    if (!ruleName) throw new Error(`serverless.yml: custom.eventRules.${rule} is not set`);
    const alarmName = `${prefix}-${alarm}`;
    // 14 days, SQS's longest retention: time to notice, fix and redrive.
    Resources[queue] = { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } };
    Resources[`${queue}Policy`] = queuePolicy(queue, ruleName);
    Resources[`${queue}Alarm`] = queueAlarm(queue, alarmName, holds, topicArn);
    Outputs[`${queue}Url`] = { Description: holds, Value: { Ref: queue } };
    Outputs[`${queue}AlarmName`] = { Description: `In ALARM while ${queue} holds anything`, Value: alarmName };
  }
  return { Resources, Outputs };
}

module.exports.resources = async ({ resolveVariable }) =>
  deadLetterResources({
    ruleNames: await resolveVariable('self:custom.eventRules'),
    prefix: `${await resolveVariable('self:service')}-${await resolveVariable('sls:stage')}`,
    topicArn: process.env.SHIPWATCH_ALARM_TOPIC_ARN || undefined,
  });
module.exports.DEAD_LETTERS = DEAD_LETTERS;
module.exports.deadLetterResources = deadLetterResources;
