// Serverless variable source for serverless.yml: `${file(./infra/dead-letters.cjs):resources}`.
//
// Where the events of the EventBridge-invoked functions go when they cannot be
// handled: an SQS queue per function that is both the rule target's
// dead-letter queue (EventBridge could not invoke the function) and the
// function's on-failure destination (the function failed after Lambda's own
// retries). The rule names are fixed in serverless.yml (custom.eventRules) so
// each queue policy can name the one rule allowed to send to it.
const { allow, inAccount } = require('./policy.cjs');

/** Per EventBridge-invoked function: its rule (a key of custom.eventRules) and its queue. */
const DEAD_LETTERS = {
  startDeployments: { rule: 'pushes', queue: 'FailedPushesQueue', holds: 'Pushes that could not start a deployment (inspect, then redrive)' },
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

/** The queues, their policies and their outputs, for the rule names serverless.yml gives. */
function deadLetterResources(ruleNames) {
  const Resources = {};
  const Outputs = {};
  for (const { rule, queue, holds } of Object.values(DEAD_LETTERS)) {
    const ruleName = ruleNames[rule];
    if (!ruleName) throw new Error(`serverless.yml: custom.eventRules.${rule} is not set`);
    // 14 days, SQS's longest retention: time to notice, fix and redrive.
    Resources[queue] = { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } };
    Resources[`${queue}Policy`] = queuePolicy(queue, ruleName);
    Outputs[`${queue}Url`] = { Description: holds, Value: { Ref: queue } };
  }
  return { Resources, Outputs };
}

module.exports.resources = async ({ resolveVariable }) => deadLetterResources(await resolveVariable('self:custom.eventRules'));
module.exports.DEAD_LETTERS = DEAD_LETTERS;
module.exports.deadLetterResources = deadLetterResources;
