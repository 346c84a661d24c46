// Serverless variable source for serverless.yml: `${file(./infra/iam.cjs):roles}`.
//
// 1. Validates shipwatch.yml with the same schema the functions use, so
//    `serverless package` fails on a bad config, naming the file and the path.
// 2. Builds one IAM role per function naming only the actions that function
//    calls and, where AWS supports resource-level permissions, the resources
//    the config names (repositories, ECS services and task-definition
//    families, EKS clusters, alarms). Each platform of
//    shared/platforms/registry.ts adds its own statements
//    (shared/platforms/<key>/iam.ts, exported as `<key>Iam`).
const { require: tsRequire } = require('tsx/cjs/api');
const { tsImport } = require('tsx/esm/api');
const { accessEntries } = require('./access-entries.cjs');
const { DEAD_LETTERS } = require('./dead-letters.cjs');
const { hookInvokeRole, hookStatements, progressiveStatements } = require('./ecs-progressive.cjs');
const policy = require('./policy.cjs');

const { arn, inAccount, allow, unique } = policy;

async function loadValidated() {
  const file = process.env.SHIPWATCH_CONFIG || 'shipwatch.yml';
  const { loadConfig } = await tsImport('../shared/config/load.ts', __filename);
  return { file, config: loadConfig(file) };
}

/**
 * Per function, what every registered platform needs for the services on it,
 * in registry order. Loaded synchronously (statementsFor is synchronous).
 */
function platformStatements(config) {
  const { PLATFORM_KEYS } = tsRequire('../shared/platforms/registry.ts', __filename);
  const byFunction = {};
  for (const key of PLATFORM_KEYS) {
    const platformIam = tsRequire(`../shared/platforms/${key}/iam.ts`, __filename)[`${key}Iam`];
    const targets = config.services.filter((s) => s.target[key]).map((s) => s.target[key]);
    for (const [fn, statements] of Object.entries(platformIam(targets, policy))) byFunction[fn] = [...(byFunction[fn] ?? []), ...statements];
  }
  return (fn) => byFunction[fn] ?? [];
}

/** Per function: the statements it needs beyond writing its own logs. */
function statementsFor(config, stage) {
  const repos = unique(config.services.map((s) => s.image.repository)).map((r) => inAccount('ecr', `repository/${r}`));
  const platform = platformStatements(config);
  const alarmNames = unique(config.services.flatMap((s) => s.health.alarms));
  const alarms = alarmNames.length > 0 ? alarmNames.map((a) => inAccount('cloudwatch', `alarm:${a}`)) : [inAccount('cloudwatch', 'alarm:shipwatch-none')];
  const table = [{ 'Fn::GetAtt': ['RecordsTable', 'Arn'] }];
  const records = (...actions) =>
    allow(
      actions.map((a) => `dynamodb:${a}`),
      table,
    );
  const parameter = (name) => arn('ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:parameter/shipwatch/${stage}/${name}`);
  // The Slack bot token (SecureString under the AWS managed key: no kms:Decrypt needed).
  const botToken = allow(['ssm:GetParameter'], [parameter('slack-bot-token')]);
  // Lambda sends a failed asynchronous invocation's record to the on-failure destination with the
  // function's own role: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
  const deadLetter = (fn) => allow(['sqs:SendMessage'], [{ 'Fn::GetAtt': [DEAD_LETTERS[fn].queue, 'Arn'] }]);
  const statements = {
    startDeployments: [allow(['states:StartExecution'], [{ Ref: 'DeployStateMachine' }]), deadLetter('startDeployments')],
    admitRelease: [records('PutItem', 'UpdateItem', 'GetItem'), botToken, allow(['states:SendTaskFailure'], ['*'])],
    requestApproval: [records('PutItem', 'UpdateItem'), botToken],
    // SendTask* has no resource-level permissions: the token itself is the capability.
    slackInteraction: [
      records('GetItem', 'UpdateItem'),
      allow(['ssm:GetParameter'], [parameter('slack-bot-token'), parameter('slack-signing-secret')]),
      allow(['states:SendTaskSuccess', 'states:SendTaskFailure'], ['*']),
      // Who pushed the image, for allowSelfApproval: false (LookupEvents has no resource-level permissions).
      allow(['cloudtrail:LookupEvents'], ['*']),
    ],
    scanImage: [
      allow(['ecr:DescribeImageScanFindings', 'ecr:DescribeRepositories', 'ecr:StartImageScan'], repos),
      // Enhanced scanning: ECR answers DescribeImageScanFindings from Amazon Inspector with the
      // caller's permissions, the findings (ListFindings) and the scan status (ListCoverage). Neither
      // has resource-level permissions. Enable/Disable and the service-linked role in the same ECR
      // guide page are for turning enhanced scanning on, which Shipwatch never does.
      // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-iam.html
      allow(['inspector2:ListFindings', 'inspector2:ListCoverage'], ['*']),
      records('GetItem', 'UpdateItem'),
    ],
    acquireLease: [records('GetItem', 'UpdateItem'), botToken],
    deployRelease: [allow(['cloudwatch:DescribeAlarms'], alarms), ...platform('deployRelease')],
    watchRollout: platform('watchRollout'),
    // Follows (and on EKS steps) a progressive deployment: judges each step like the bake does,
    // notes the step on the record and in the live message.
    advanceRelease: [
      botToken,
      records('UpdateItem'),
      ...platform('advanceRelease'),
      allow(['cloudwatch:DescribeAlarms'], alarms),
      // GetMetricData has no resource-level permissions.
      allow(['cloudwatch:GetMetricData'], ['*']),
    ],
    checkHealth: [
      botToken,
      // The record's phase (baking) and its step times.
      records('UpdateItem'),
      ...platform('checkHealth'),
      allow(['cloudwatch:DescribeAlarms'], alarms),
      // GetMetricData has no resource-level permissions.
      allow(['cloudwatch:GetMetricData'], ['*']),
    ],
    // The record's phase (rolling_back) and the live message.
    rollBack: [...platform('rollBack'), records('UpdateItem'), botToken],
    finishDeployment: [records('UpdateItem', 'Query', 'GetItem'), botToken],
    // Event-driven waits (shared/waits): task tokens and event marks in the records table.
    // SendTaskSuccess has no resource-level permissions: the token itself is the capability.
    awaitEvent: [records('PutItem', 'BatchGetItem'), allow(['states:SendTaskSuccess'], ['*'])],
    resumeWaiters: [records('PutItem', 'Query', 'DeleteItem'), allow(['states:SendTaskSuccess'], ['*'])],
    // GetItem: is the outcome already there; DescribeExecution: the error and cause the status
    // change event leaves out; the rest records a known outcome as Finish would (Query for an
    // amended rollback, the bot token for the message and the @here post).
    closeRecord: [
      records('GetItem', 'UpdateItem', 'Query'),
      botToken,
      allow(['states:DescribeExecution'], [inAccount('states', `execution:shipwatch-${stage}-deploy:*`)]),
      deadLetter('closeRecord'),
    ],
    // handleAlarm reads the service state and one record, and notes the alarm on a record; no Query.
    // DescribeAlarms: a late or stale ALARM event rolls back only while the alarm is still in ALARM.
    alarmRollback: [
      records('GetItem', 'UpdateItem'),
      allow(['states:StartExecution'], [{ Ref: 'DeployStateMachine' }]),
      allow(['cloudwatch:DescribeAlarms'], alarms),
      deadLetter('alarmRollback'),
    ],
    // ECS invokes it as the lifecycle hook of canary, linear and blue/green deployments (infra/ecs-progressive.cjs).
    ecsLifecycleHook: hookStatements(config, alarms),
  };
  // What a progressive ECS service adds to the functions that follow its service deployments.
  for (const [fn, more] of Object.entries(progressiveStatements(config))) statements[fn] = [...statements[fn], ...more];
  return statements;
}

const roleName = (fn) => `${fn[0].toUpperCase()}${fn.slice(1)}Role`;

function roleFor(fn, statements, prefix) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: fn,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [inAccount('logs', `log-group:/aws/lambda/${prefix}-${fn}:*`)]), ...statements],
          },
        },
      ],
    },
  };
}

module.exports.configFile = async () => (await loadValidated()).file;

/** The alarms any service lists: the alarm rule only invokes Shipwatch for these. */
module.exports.alarmNames = async () => {
  const { config } = await loadValidated();
  const names = unique(config.services.flatMap((s) => s.health.alarms));
  return names.length > 0 ? names : ['shipwatch-no-alarms-configured'];
};

/** The repositories any service deploys from: the scan rule only invokes Shipwatch for these. */
module.exports.repositoryNames = async () => unique((await loadValidated()).config.services.map((s) => s.image.repository));

module.exports.roles = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const { config } = await loadValidated();
  const Resources = {};
  for (const [fn, statements] of Object.entries(statementsFor(config, stage))) {
    Resources[roleName(fn)] = roleFor(fn, statements, `${service}-${stage}`);
  }
  // Opt-in (SHIPWATCH_EKS_ACCESS_ENTRIES=true when packaging): one EKS access entry per
  // cluster and calling role, mapped to a Kubernetes group your RBAC grants.
  if (process.env.SHIPWATCH_EKS_ACCESS_ENTRIES === 'true') Object.assign(Resources, accessEntries(config, roleName));
  // The role ECS assumes to invoke the lifecycle hook (deployRelease passes it in UpdateService).
  Object.assign(Resources, hookInvokeRole());
  return { Resources };
};

module.exports.statementsFor = statementsFor;
