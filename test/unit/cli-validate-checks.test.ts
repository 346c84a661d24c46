import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeRepositoriesCommand, ECRClient, GetRegistryScanningConfigurationCommand, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAlarms, checkMetrics } from '../../cli/validate/cloudwatch.js';
import { checkRepositories } from '../../cli/validate/ecr.js';
import { checkEcsServices } from '../../cli/validate/ecs.js';
import { checkSlack } from '../../cli/validate/slack.js';
import { parseConfigText } from '../../shared/config/load.js';
import { CURRENT, service, taskDefinition } from '../support/ecs-progressive.js';
import { fixture } from '../support/fixtures.js';

// Each check of `validate --aws` sends exactly the read-only calls it needs, and
// turns the published answers (test/fixtures/SOURCES.md) into ok, warning or error.

const config = parseConfigText(
  `
services:
  - name: wordpress
    image: { repository: my-repository-name }
    target: { ecs: { cluster: default, service: my-http-service, container: wordpress } }
    health:
      alarms: [myalarm, gone]
      metrics:
        - name: requests
          metric: { namespace: AWS/ApplicationELB, metricName: RequestCount, dimensions: { LoadBalancer: app/x/1 }, stat: Sum }
          comparison: "<"
          threshold: 1
    notify: { channel: C0DEPLOYS }
`,
  'inline.yml',
);
const NOW = new Date('2026-11-02T10:00:30Z');
const mocks: { restore(): void }[] = [];
afterEach(() => mocks.splice(0).forEach((m) => m.restore()));
const mock = <T>(m: T & { restore(): void }) => {
  mocks.push(m);
  return m;
};

describe('validate --aws checks', () => {
  it('ECR: DescribeRepositories for each repository once; scan on push off is a warning with the command that turns it on', async () => {
    // Prepare
    const ecr = mock(mockClient(ECRClient));
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        {
          repositoryName: 'my-repository-name',
          repositoryUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name',
          imageScanningConfiguration: { scanOnPush: false },
        },
      ],
    });

    // Act
    const checks = await checkRepositories(new ECRClient({ region: 'us-west-2' }), config);

    // Assess
    expect(ecr.commandCalls(DescribeRepositoriesCommand).map((c) => c.args[0].input)).toEqual([{ repositoryNames: ['my-repository-name'] }]);
    expect(checks).toEqual([
      expect.objectContaining({
        resource: 'ecr my-repository-name',
        status: 'warning',
        fix: 'aws ecr put-image-scanning-configuration --repository-name my-repository-name --image-scanning-configuration scanOnPush=true',
      }),
    ]);
  });

  it('ECR: a missing repository is an error naming the services that use it', async () => {
    const ecr = mock(mockClient(ECRClient));
    ecr.on(GetRegistryScanningConfigurationCommand).rejects(new Error('AccessDeniedException'));
    ecr
      .on(DescribeRepositoriesCommand)
      .rejects(new RepositoryNotFoundException({ message: "The repository with name 'my-repository-name' does not exist", $metadata: {} }));

    const [check] = await checkRepositories(new ECRClient({ region: 'us-west-2' }), config);

    expect(check).toMatchObject({ status: 'error', services: ['wordpress'], detail: 'no repository my-repository-name in this account and region' });
  });

  it('ECS: DescribeServices then DescribeTaskDefinition of the running revision; the container is found in it', async () => {
    const ecs = mock(mockClient(ECSClient));
    ecs.on(DescribeServicesCommand).resolves(fixture('ecs-describe-services-response-cli-example'));
    ecs.on(DescribeTaskDefinitionCommand).resolves(fixture('ecs-describe-task-definition-response-cli-example'));

    const checks = await checkEcsServices(new ECSClient({ region: 'us-west-2' }), config);

    expect(ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'default', services: ['my-http-service'] }]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input)).toEqual([
      { taskDefinition: 'arn:aws:ecs:us-west-2:123456789012:task-definition/amazon-ecs-sample:1' },
    ]);
    // The published service predates the circuit breaker: a warning that says how to turn it on.
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['service exists', 'warning'],
      ['task definition readable', 'ok'],
      ['container in task definition', 'ok'],
    ]);
    expect(checks[0]!.fix).toContain("--deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true}'");
  });

  it('CloudWatch: one DescribeAlarms for every alarm, both types; GetMetricData over the last hour; no datapoints is a warning', async () => {
    const cloudwatch = mock(mockClient(CloudWatchClient));
    cloudwatch.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms-response-metric-alarm'));
    cloudwatch
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [{ Id: 'shipwatch', Label: 'requests', Timestamps: [], Values: [], StatusCode: 'Complete' }], Messages: [] });
    const client = new CloudWatchClient({ region: 'us-east-1' });

    const alarms = await checkAlarms(client, config);
    const metrics = await checkMetrics(client, config, NOW);

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([
      { AlarmNames: ['myalarm', 'gone'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
    ]);
    expect(cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        MetricDataQueries: [
          {
            Id: 'shipwatch',
            MetricStat: {
              Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/x/1' }] },
              Period: 60,
              Stat: 'Sum',
            },
            ReturnData: true,
          },
        ],
        StartTime: new Date('2026-11-02T09:00:00Z'),
        EndTime: new Date('2026-11-02T10:00:00Z'),
        ScanBy: 'TimestampDescending',
      },
    ]);
    expect(alarms.map((c) => [c.resource, c.status])).toEqual([
      ['alarm myalarm', 'ok'],
      ['alarm gone', 'error'],
    ]);
    expect(metrics).toEqual([expect.objectContaining({ resource: 'metric wordpress/requests', status: 'warning', detail: 'no datapoints in the last hour' })]);
  });

  it('Slack: the bot token is read decrypted from its parameter; a missing parameter is an error with the put-parameter command', async () => {
    const ssm = mock(mockClient(SSMClient));
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'Parameter not found', $metadata: {} }));

    const checks = await checkSlack(new SSMClient({ region: 'us-east-1' }), config, { tokenParameter: '/shipwatch/prod/slack-bot-token' });

    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: '/shipwatch/prod/slack-bot-token', WithDecryption: true }]);
    expect(checks).toEqual([
      expect.objectContaining({
        status: 'error',
        services: ['wordpress'],
        fix: 'aws ssm put-parameter --type SecureString --name /shipwatch/prod/slack-bot-token --value xoxb-… (README, "Set up the Slack app")',
      }),
    ]);
  });
});

describe('validate --aws: an ECS service on a canary, linear or blue/green strategy', () => {
  const progressive = (strategy: string, metrics = '') =>
    parseConfigText(
      `
services:
  - name: web
    image: { repository: web }
    target: { ecs: { cluster: prod, service: web, container: app } }
    strategy: ${strategy}
    health:
      alarms: [web-5xx]${metrics}
`,
      'inline.yml',
    );
  const TG_METRIC = `
      metrics:
        - name: 5xx
          metric: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, dimensions: { TargetGroup: targetgroup/web-blue/0123456789abcdef }, stat: Sum }
          comparison: ">"
          threshold: 5`;
  const checksOf = async (config: ReturnType<typeof progressive>, found: ReturnType<typeof service>) => {
    const ecs = mock(mockClient(ECSClient));
    ecs.on(DescribeServicesCommand).resolves({ services: [found] });
    ecs.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(8, 'web:v1'));
    return checkEcsServices(new ECSClient({ region: 'us-west-2' }), config);
  };

  it('names the load balancer ECS shifts the traffic with, and the checks narrowed to the new revision', async () => {
    const checks = await checksOf(progressive('{ type: canary }', TG_METRIC), service(CURRENT));

    expect(checks.map((c) => [c.status, c.check])).toEqual([
      ['ok', 'service exists'],
      ['ok', 'traffic shifting (canary)'],
      ['ok', 'each step judged on the new revision'],
      ['ok', 'task definition readable'],
      ['ok', 'container in task definition'],
    ]);
    expect(checks[0]!.detail).toMatch(/deployment controller ECS \(canary through ECS's own engine\)/);
    expect(checks[1]!.detail).toMatch(
      /target groups arn:aws:elasticloadbalancing:.*web-blue.* and .*web-green.*, production listener rule .*, role arn:aws:iam::123456789012:role\/ecsInfrastructureRoleForLoadBalancers/,
    );
  });

  it('is an error without advancedConfiguration, with the update-service command that adds it', async () => {
    const checks = await checksOf(
      progressive('{ type: linear }', TG_METRIC),
      service(CURRENT, {
        loadBalancers: [{ targetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/web/1', containerName: 'app', containerPort: 8080 }],
      }),
    );

    const shifting = checks.find((c) => c.check === 'traffic shifting (linear)')!;
    expect(shifting).toMatchObject({ status: 'error', detail: expect.stringContaining('has no load balancer with advancedConfiguration') });
    expect(shifting.fix).toMatch(
      /^give the service's load balancer an advancedConfiguration: aws ecs update-service --cluster prod --service web --load-balancers 'targetGroupArn=<production target group>,containerName=app,containerPort=<port>,advancedConfiguration=\{alternateTargetGroupArn=/,
    );
  });

  it('warns when no check can tell the new revision apart, and when hooks of your own need their roles passed', async () => {
    const theirs = {
      targetType: 'AWS_LAMBDA' as const,
      hookTargetArn: 'arn:aws:lambda:us-west-2:123456789012:function:smoke',
      roleArn: 'arn:aws:iam::123456789012:role/smoke-invoke',
      lifecycleStages: ['POST_SCALE_UP' as const],
    };
    const checks = await checksOf(
      progressive('{ type: blueGreen }'),
      service(CURRENT, { deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5, lifecycleHooks: [theirs] } }),
    );

    expect(checks.filter((c) => c.status !== 'ok').map((c) => [c.check, c.detail])).toEqual([
      ['each step judged on the new revision', 'no metric checks: each step is judged by the service-wide alarms only'],
      [
        'lifecycle hooks of your own',
        '1 Lambda hook(s) of your own (arn:aws:lambda:us-west-2:123456789012:function:smoke) are kept on every deploy and rollback',
      ],
    ]);
    expect(checks.find((c) => c.check === 'lifecycle hooks of your own')!.fix).toContain(
      'add iam:PassRole for arn:aws:iam::123456789012:role/smoke-invoke (iam:PassedToService ecs.amazonaws.com)',
    );
  });
});
