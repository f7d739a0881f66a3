import { Match, type Template } from 'aws-cdk-lib/assertions';
import { stageTemplate } from '../test-app.test-util';
import { actionsOf, functionWithHandler, isNoTrafficPlaceholder, logicalId, onlyResource, resourcesOf, securityGroupRules, type Statement, subnetGroups } from '../template.test-util';
import { SECRET_READ_ACTIONS, SECRET_ROTATION_ACTIONS } from './database';

describe('Network (dev)', () => {
  let template: Template;
  let subnetGroup: Record<string, string | undefined>;

  beforeAll(() => {
    template = stageTemplate('dev');
    subnetGroup = subnetGroups(template);
  });

  it('is a VPC over two zones with isolated lambda, rds and secret subnets, and no way to the internet', () => {
    const subnets = resourcesOf(template, 'AWS::EC2::Subnet');
    const zones = new Set(subnets.map(([, s]) => JSON.stringify(s.Properties?.['AvailabilityZone'])));

    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
    expect(Object.values(subnetGroup).sort()).toEqual(['lambda', 'lambda', 'rds', 'rds', 'secret', 'secret']);
    expect(zones.size).toBe(2);
    for (const [, subnet] of subnets) expect(subnet.Properties?.['MapPublicIpOnLaunch']).toBe(false);
    for (const type of ['AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway', 'AWS::EC2::EIP', 'AWS::EC2::Route', 'AWS::EC2::EgressOnlyInternetGateway']) {
      template.resourceCountIs(type, 0);
    }
  });

  it('logs all VPC traffic to a log group with a retention', () => {
    const [flowLog] = onlyResource(template, 'AWS::EC2::FlowLog');
    const logGroup = logicalId(template.toJSON().Resources[flowLog].Properties.LogGroupName);

    template.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    expect(template.toJSON().Resources[logGroup].Properties.RetentionInDays).toBe(7);
  });

  it('has a Secrets Manager interface endpoint with private DNS in the secret subnets', () => {
    const [, endpoint] = onlyResource(template, 'AWS::EC2::VPCEndpoint');
    const props = endpoint.Properties ?? {};

    expect(props['VpcEndpointType']).toBe('Interface');
    expect(props['PrivateDnsEnabled']).toBe(true);
    expect(props['ServiceName']).toEqual({ 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] });
    expect((props['SubnetIds'] as unknown[]).map((s) => subnetGroup[logicalId(s)])).toEqual(['secret', 'secret']);
  });

  it('lets only the database clients\' and the rotation function\'s groups reach the endpoint, on HTTPS only', () => {
    const [, endpoint] = onlyResource(template, 'AWS::EC2::VPCEndpoint');
    const endpointGroup = logicalId((endpoint.Properties?.['SecurityGroupIds'] as unknown[])[0]);
    const [, api] = functionWithHandler(template, 'main.handler');
    const lambdaGroup = logicalId((api.Properties?.['VpcConfig'] as { SecurityGroupIds: unknown[] }).SecurityGroupIds[0]);
    const rotationGroups = new Set(resourcesOf(template, 'AWS::Serverless::Application').map(([, r]) => logicalId((r.Properties?.['Parameters'] as Record<string, unknown>)['vpcSecurityGroupIds'])));
    const [rotationGroup] = [...rotationGroups];
    const rules = securityGroupRules(template).filter((r) => r.group === endpointGroup);

    expect(rotationGroups.size).toBe(1); // both rotation functions share one group

    expect(rules.filter((r) => r.direction === 'ingress').map(({ peer, protocol, fromPort, toPort }) => ({ peer, protocol, fromPort, toPort }))).toEqual(
      expect.arrayContaining([
        { peer: lambdaGroup, protocol: 'tcp', fromPort: 443, toPort: 443 },
        { peer: rotationGroup, protocol: 'tcp', fromPort: 443, toPort: 443 },
      ]),
    );
    expect(rules.filter((r) => r.direction === 'ingress')).toHaveLength(2);
    expect(rules.filter((r) => r.direction === 'egress').every(isNoTrafficPlaceholder)).toBe(true);
  });

  it('lets through the endpoint only this account\'s calls on the stack\'s two secrets, with the actions the functions and rotation use', () => {
    const [, endpoint] = onlyResource(template, 'AWS::EC2::VPCEndpoint');
    const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret').map(([id]) => ({ Ref: id }));
    const thisAccount = { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } };
    const statements = (endpoint.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement;

    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual({ Sid: 'GenerateRandomPasswords', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'secretsmanager:GetRandomPassword', Resource: '*', Condition: thisAccount });
    const onSecrets = statements.find((st) => st.Sid === undefined) as Statement & { Principal: unknown };
    expect(onSecrets).toMatchObject({ Effect: 'Allow', Principal: { AWS: '*' }, Condition: thisAccount });
    expect(actionsOf(onSecrets)).toEqual([...SECRET_READ_ACTIONS, ...SECRET_ROTATION_ACTIONS].sort());
    expect(onSecrets.Resource).toEqual(expect.arrayContaining(secrets));
    expect(onSecrets.Resource).toHaveLength(2);
  });

  it('opens no security group to an address range', () => {
    const cidrRules = securityGroupRules(template).filter((r) => /^\d+\.\d+\.\d+\.\d+\/\d+$|::/.test(r.peer) && !isNoTrafficPlaceholder(r));

    expect(cidrRules).toEqual([]);
  });

  it('strips the rules of the VPC\'s default security group', () => {
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', { DefaultSecurityGroupId: Match.anyValue() });
  });
});
