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
const mock = <T>(m: T & { restore(): void }) => (mocks.push(m), m);

describe('validate --aws checks', () => {
  it('ECR: DescribeRepositories for each repository once; scan on push off is a warning with the command that turns it on', async () => {
    // Prepare
    const ecr = mock(mockClient(ECRClient));
    ecr.on(GetRegistryScanningConfigurationCommand).resolves({ scanningConfiguration: { scanType: 'BASIC', rules: [] } });
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'my-repository-name', repositoryUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name', imageScanningConfiguration: { scanOnPush: false } }] });

    // Act
    const checks = await checkRepositories(new ECRClient({ region: 'us-west-2' }), config);

    // Assess
    expect(ecr.commandCalls(DescribeRepositoriesCommand).map((c) => c.args[0].input)).toEqual([{ repositoryNames: ['my-repository-name'] }]);
    expect(checks).toEqual([
      expect.objectContaining({ resource: 'ecr my-repository-name', status: 'warning', fix: 'aws ecr put-image-scanning-configuration --repository-name my-repository-name --image-scanning-configuration scanOnPush=true' }),
    ]);
  });

  it('ECR: a missing repository is an error naming the services that use it', async () => {
    const ecr = mock(mockClient(ECRClient));
    ecr.on(GetRegistryScanningConfigurationCommand).rejects(new Error('AccessDeniedException'));
    ecr.on(DescribeRepositoriesCommand).rejects(new RepositoryNotFoundException({ message: "The repository with name 'my-repository-name' does not exist", $metadata: {} }));

    const [check] = await checkRepositories(new ECRClient({ region: 'us-west-2' }), config);

    expect(check).toMatchObject({ status: 'error', services: ['wordpress'], detail: 'no repository my-repository-name in this account and region' });
  });

  it('ECS: DescribeServices then DescribeTaskDefinition of the running revision; the container is found in it', async () => {
    const ecs = mock(mockClient(ECSClient));
    ecs.on(DescribeServicesCommand).resolves(fixture('ecs-describe-services-response-cli-example'));
    ecs.on(DescribeTaskDefinitionCommand).resolves(fixture('ecs-describe-task-definition-response-cli-example'));

    const checks = await checkEcsServices(new ECSClient({ region: 'us-west-2' }), config);

    expect(ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input)).toEqual([{ cluster: 'default', services: ['my-http-service'] }]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input)).toEqual([{ taskDefinition: 'arn:aws:ecs:us-west-2:123456789012:task-definition/amazon-ecs-sample:1' }]);
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
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'shipwatch', Label: 'requests', Timestamps: [], Values: [], StatusCode: 'Complete' }], Messages: [] });
    const client = new CloudWatchClient({ region: 'us-east-1' });

    const alarms = await checkAlarms(client, config);
    const metrics = await checkMetrics(client, config, NOW);

    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input)).toEqual([{ AlarmNames: ['myalarm', 'gone'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }]);
    expect(cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input)).toEqual([
      {
        MetricDataQueries: [{ Id: 'shipwatch', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/x/1' }] }, Period: 60, Stat: 'Sum' }, ReturnData: true }],
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
      expect.objectContaining({ status: 'error', services: ['wordpress'], fix: 'aws ssm put-parameter --type SecureString --name /shipwatch/prod/slack-bot-token --value xoxb-… (README, "Set up the Slack app")' }),
    ]);
  });
});
