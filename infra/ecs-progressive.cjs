// IAM for canary, linear and blue/green deployments on ECS (#16), where ECS's
// own engine moves the traffic and Shipwatch's Lambda is the deployment's
// lifecycle hook. Service Authorization Reference, Amazon ECS
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html):
// - DescribeServiceDeployments, ContinueServiceDeployment, StopServiceDeployment
//   require the `service` and the `service-deployment` resource types,
//   arn:${Partition}:ecs:${Region}:${Account}:service-deployment/${ClusterName}/${ServiceName}/${ServiceDeploymentId};
// - DescribeServiceRevisions requires `service` and `service-revision`
//   (…:service-revision/${ClusterName}/${ServiceName}/${ServiceRevisionId});
// - ListServiceDeployments requires `service`;
// - UpdateService authorizes iam:PassRole (iam:PassedToService ecs.amazonaws.com)
//   for the roles it carries, here the role ECS assumes to invoke the hook.
// The role ECS assumes: lambda:InvokeFunction on the hook, trusted by
// ecs.amazonaws.com (developerguide/blue-green-permissions.html).
const { inAccount, allow, unique } = require('./policy.cjs');

const HOOK_FUNCTION = 'EcsLifecycleHookLambdaFunction';
const HOOK_INVOKE_ROLE = 'EcsHookInvokeRole';

/** The ECS targets whose service deploys with ECS's canary, linear or blue/green engine. */
const progressiveTargets = (config) => config.services.filter((s) => s.target.ecs && s.strategy && s.strategy.type !== 'rolling').map((s) => s.target.ecs);

function resourcesOf(targets) {
  const paths = unique(targets.map((t) => `${t.cluster}/${t.service}`));
  return {
    services: paths.map((p) => inAccount('ecs', `service/${p}`)),
    deployments: paths.map((p) => inAccount('ecs', `service-deployment/${p}/*`)),
    revisions: paths.map((p) => inAccount('ecs', `service-revision/${p}/*`)),
  };
}

/**
 * Per function, the statements a progressive ECS service adds (none without
 * one): each names the actions that function's code sends, on the progressive
 * services' own deployments and revisions.
 */
function progressiveStatements(config) {
  const targets = progressiveTargets(config);
  if (targets.length === 0) return {};
  const { services, deployments, revisions } = resourcesOf(targets);
  const describeDeployments = allow(['ecs:DescribeServiceDeployments'], [...services, ...deployments]);
  const describeRevisions = allow(['ecs:DescribeServiceRevisions'], [...services, ...revisions]);
  // The service's current deployment, when DescribeServices does not name it.
  const listDeployments = allow(['ecs:ListServiceDeployments'], services);
  const follow = [describeDeployments, describeRevisions, listDeployments];
  return {
    // A retried deploy finds the deployment it started; UpdateService passes the role ECS invokes the hook with.
    deployRelease: [
      ...follow,
      allow(['iam:PassRole'], [{ 'Fn::GetAtt': [HOOK_INVOKE_ROLE, 'Arn'] }], { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } }),
    ],
    watchRollout: follow,
    checkHealth: follow,
    // Progress: where the service deployment stands, a person's decision at a pause, and what the hook decided.
    advanceRelease: [
      ...follow,
      allow(['ecs:ContinueServiceDeployment', 'ecs:StopServiceDeployment'], [...services, ...deployments]),
      allow(['dynamodb:GetItem'], [{ 'Fn::GetAtt': ['RecordsTable', 'Arn'] }]),
    ],
    rollBack: [...follow, allow(['ecs:StopServiceDeployment'], [...services, ...deployments])],
  };
}

/**
 * The hook's own role: it reads the deployment and the new revision, lets the
 * pause before the first step go, measures in CloudWatch and remembers in the
 * records table (PutItem and GetItem: when it first saw a stage; UpdateItem:
 * its verdicts and the record's note).
 */
function hookStatements(config, alarms) {
  const targets = progressiveTargets(config);
  const { services, deployments, revisions } = resourcesOf(targets.length > 0 ? targets : [{ cluster: 'shipwatch-none', service: 'none' }]);
  return [
    allow(['ecs:DescribeServiceDeployments', 'ecs:ContinueServiceDeployment'], [...services, ...deployments]),
    allow(['ecs:DescribeServiceRevisions'], [...services, ...revisions]),
    allow(['cloudwatch:DescribeAlarms'], alarms),
    // GetMetricData has no resource-level permissions.
    allow(['cloudwatch:GetMetricData'], ['*']),
    allow(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], [{ 'Fn::GetAtt': ['RecordsTable', 'Arn'] }]),
  ];
}

/** The role ECS assumes to invoke the hook: that one function, nothing else. */
function hookInvokeRole() {
  return {
    [HOOK_INVOKE_ROLE]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'invoke-shipwatch-lifecycle-hook',
            PolicyDocument: { Version: '2012-10-17', Statement: [allow(['lambda:InvokeFunction'], [{ 'Fn::GetAtt': [HOOK_FUNCTION, 'Arn'] }])] },
          },
        ],
      },
    },
  };
}

module.exports = { progressiveStatements, hookStatements, hookInvokeRole, HOOK_FUNCTION, HOOK_INVOKE_ROLE };
