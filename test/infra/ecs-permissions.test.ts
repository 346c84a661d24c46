import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { resolveAll } from '../support/cloudformation.js';
import { grantsOf, iam, type Statement } from '../support/iam.js';

// Item 13 of issue #11. The Service Authorization Reference for Amazon ECS
// lists a required `task-definition` resource type for RegisterTaskDefinition
// (arn:${Partition}:ecs:${Region}:${Account}:task-definition/${Family}:${Revision})
// and none for DescribeTaskDefinition:
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
// iam:PassRole names the task and execution roles the services declare.

const service = (name: string, ecs: string) => `
  - name: ${name}
    image: { repository: ${name} }
    target:
      ecs: { cluster: prod, service: ${name}, container: app${ecs} }`;
const eksService = `
  - name: catalog
    image: { repository: catalog }
    target:
      eks: { cluster: shop, deployment: catalog, container: web }`;
const deployRelease = (...services: string[]) => iam.statementsFor(parseConfigText(`services:${services.join('')}`, 'inline.yml'), 'test').deployRelease!;
const granting = (statements: Statement[], action: string) => statements.filter((s) => s.Action.includes(action));

describe('deployRelease role: task definitions', () => {
  it('registers revisions of the configured families only (the service name unless target.ecs.family says otherwise)', () => {
    // Act
    const statements = deployRelease(service('checkout', ''), service('worker', ', family: worker-td'));

    // Assess
    const [register, ...others] = granting(statements, 'ecs:RegisterTaskDefinition');
    expect(others).toEqual([]);
    expect(register!.Action).toEqual(['ecs:RegisterTaskDefinition']);
    expect(register!.Condition).toBeUndefined();
    expect(resolveAll(register!.Resource)).toEqual([
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/checkout:*',
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/worker-td:*',
    ]);
  });

  it('describes task definitions on *, the only resource DescribeTaskDefinition supports', () => {
    // Act
    const statements = deployRelease(service('checkout', ''));

    // Assess
    expect(granting(statements, 'ecs:DescribeTaskDefinition')).toEqual([{ Effect: 'Allow', Action: ['ecs:DescribeTaskDefinition'], Resource: ['*'] }]);
  });

  it('tags only the revisions it registers, and only while registering them', () => {
    // Act
    const [tag, ...others] = granting(deployRelease(service('checkout', ''), service('worker', ', family: worker-td')), 'ecs:TagResource');

    // Assess
    expect(others).toEqual([]);
    expect(tag!.Action).toEqual(['ecs:TagResource']);
    expect(tag!.Condition).toEqual({ StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } });
    expect(resolveAll(tag!.Resource)).toEqual([
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/checkout:*',
      'arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task-definition/worker-td:*',
    ]);
  });

  it('needs no task-definition permission at all without an ECS service', () => {
    // Act
    const statements = deployRelease(eksService);

    // Assess
    expect(grantsOf(statements, 'ecs:').flatMap((s) => s.Action)).toEqual(['ecs:DescribeServices', 'ecs:UpdateService']);
    expect(grantsOf(statements, 'iam:')).toEqual([]);
  });
});

describe('deployRelease role: iam:PassRole', () => {
  const passRole = (statements: Statement[]) => granting(statements, 'iam:PassRole');

  it('passes exactly the task and execution roles the services declare (a name, with or without a path, or an ARN)', () => {
    // Act
    const statements = deployRelease(
      service('checkout', ', roles: { task: checkout-task, execution: service-role/ecsTaskExecutionRole }'),
      service('worker', ', roles: { execution: "arn:aws-us-gov:iam::123456789012:role/ecsTaskExecutionRole" }'),
      eksService,
    );

    // Assess
    const [pass, ...others] = passRole(statements);
    expect(others).toEqual([]);
    expect(pass!.Action).toEqual(['iam:PassRole']);
    expect(pass!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(resolveAll(pass!.Resource)).toEqual([
      'arn:aws-us-gov:iam::123456789012:role/checkout-task',
      'arn:aws-us-gov:iam::123456789012:role/service-role/ecsTaskExecutionRole',
      'arn:aws-us-gov:iam::123456789012:role/ecsTaskExecutionRole',
    ]);
  });

  it('passes no role when every service declares its task definition has none', () => {
    // Act
    const statements = deployRelease(service('checkout', ', roles: {}'), service('worker', ', roles: {}'));

    // Assess
    expect(passRole(statements)).toEqual([]);
  });

  it('falls back to any role, for ECS tasks only, while one service does not declare its roles (they are unknown when packaging)', () => {
    // Act
    const statements = deployRelease(service('checkout', ', roles: { task: checkout-task }'), service('worker', ''));

    // Assess
    const [pass, ...others] = passRole(statements);
    expect(others).toEqual([]);
    expect(pass!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    expect(resolveAll(pass!.Resource)).toEqual(['arn:aws-us-gov:iam::123456789012:role/*']);
  });

  it('is granted to deployRelease alone', () => {
    // Act
    const roles = iam.statementsFor(parseConfigText(`services:${service('checkout', '')}`, 'inline.yml'), 'test');

    // Assess
    const passers = Object.entries(roles)
      .filter(([, statements]) => passRole(statements).length > 0)
      .map(([fn]) => fn);
    expect(passers).toEqual(['deployRelease']);
  });
});
