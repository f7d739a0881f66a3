import type { Template } from 'aws-cdk-lib/assertions';

/** A resource of a synthesised template. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** An IAM policy statement as synthesised. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** One security group rule, inline or a standalone `AWS::EC2::SecurityGroupIngress/Egress`. */
export interface SecurityGroupRule {
  /** Logical id of the group the rule belongs to. */
  group: string;
  direction: 'ingress' | 'egress';
  /** Logical id of the peer group, or a CIDR. */
  peer: string;
  protocol: string;
  fromPort: unknown;
  toPort: unknown;
}

/** The logical id a `Ref` or `Fn::GetAtt` points at. */
export function logicalId(value: unknown): string {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = v?.Ref ?? v?.['Fn::GetAtt']?.[0];
  if (typeof id !== 'string') throw new Error(`Not a Ref or Fn::GetAtt: ${JSON.stringify(value)}`);
  return id;
}

/** All resources of a type, as `[logicalId, resource]`, optionally filtered. */
export function resourcesOf(template: Template, type: string, filter: (r: CfnResource) => boolean = () => true): [string, CfnResource][] {
  const all = template.toJSON().Resources as Record<string, CfnResource>;
  return Object.entries(all).filter(([, r]) => r.Type === type && filter(r));
}

/** The one resource of a type (that passes `filter`); fails when there are none or several. */
export function onlyResource(template: Template, type: string, filter?: (r: CfnResource) => boolean): [string, CfnResource] {
  const found = resourcesOf(template, type, filter);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}: ${found.map(([id]) => id).join(', ')}`);
  return found[0] as [string, CfnResource];
}

/** The Lambda function with this handler setting. */
export function functionWithHandler(template: Template, handler: string): [string, CfnResource] {
  return onlyResource(template, 'AWS::Lambda::Function', (r) => r.Properties?.['Handler'] === handler);
}

/** Every security group rule of the template. */
export function securityGroupRules(template: Template): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  const peerOf = (rule: Record<string, unknown>, key: string): string =>
    rule[key] !== undefined ? logicalId(rule[key]) : String(rule['CidrIp'] ?? rule['CidrIpv6'] ?? rule['DestinationPrefixListId'] ?? rule['SourcePrefixListId']);
  for (const [id, sg] of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
    for (const r of (sg.Properties?.['SecurityGroupIngress'] as Record<string, unknown>[] | undefined) ?? []) {
      rules.push({ group: id, direction: 'ingress', peer: peerOf(r, 'SourceSecurityGroupId'), protocol: String(r['IpProtocol']), fromPort: r['FromPort'], toPort: r['ToPort'] });
    }
    for (const r of (sg.Properties?.['SecurityGroupEgress'] as Record<string, unknown>[] | undefined) ?? []) {
      rules.push({ group: id, direction: 'egress', peer: peerOf(r, 'DestinationSecurityGroupId'), protocol: String(r['IpProtocol']), fromPort: r['FromPort'], toPort: r['ToPort'] });
    }
  }
  for (const [, r] of resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')) {
    const p = r.Properties ?? {};
    rules.push({ group: logicalId(p['GroupId']), direction: 'ingress', peer: peerOf(p, 'SourceSecurityGroupId'), protocol: String(p['IpProtocol']), fromPort: p['FromPort'], toPort: p['ToPort'] });
  }
  for (const [, r] of resourcesOf(template, 'AWS::EC2::SecurityGroupEgress')) {
    const p = r.Properties ?? {};
    rules.push({ group: logicalId(p['GroupId']), direction: 'egress', peer: peerOf(p, 'DestinationSecurityGroupId'), protocol: String(p['IpProtocol']), fromPort: p['FromPort'], toPort: p['ToPort'] });
  }
  return rules;
}

/**
 * CDK's placeholder egress rule on a group that allows no outbound traffic (`255.255.255.255/32`, ICMP 252-86,
 * which matches no packet).
 */
export function isNoTrafficPlaceholder(rule: SecurityGroupRule): boolean {
  return rule.peer === '255.255.255.255/32' && rule.protocol === 'icmp' && rule.fromPort === 252 && rule.toPort === 86;
}

/** Every statement granted to a role: its inline policies and the `AWS::IAM::Policy` resources attached to it. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const role = (template.toJSON().Resources as Record<string, CfnResource>)[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not an AWS::IAM::Role`);
  const inline = ((role.Properties?.['Policies'] as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []).flatMap((p) => p.PolicyDocument.Statement);
  const attached = resourcesOf(template, 'AWS::IAM::Policy', (p) => ((p.Properties?.['Roles'] as unknown[]) ?? []).some((r) => logicalId(r) === roleId)).flatMap(
    ([, p]) => (p.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement,
  );
  return [...inline, ...attached];
}

/** The subnet group (`aws-cdk:subnet-name` tag: lambda, rds, secret) of every subnet, by logical id. */
export function subnetGroups(template: Template): Record<string, string | undefined> {
  return Object.fromEntries(
    resourcesOf(template, 'AWS::EC2::Subnet').map(([id, subnet]) => [id, (subnet.Properties?.['Tags'] as { Key: string; Value: string }[]).find((t) => t.Key === 'aws-cdk:subnet-name')?.Value]),
  );
}

/** Every logical id a value references (`Ref` and `Fn::GetAtt`), in order. */
export function referencedIds(value: unknown): string[] {
  const found: string[] = [];
  JSON.stringify(value, (key, v: unknown) => {
    if (key === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) found.push(v);
    if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') found.push(v[0]);
    return v;
  });
  return found;
}

/** A statement's actions, always as a sorted array. */
export function actionsOf(statement: Statement): string[] {
  return [statement.Action].flat().sort();
}
