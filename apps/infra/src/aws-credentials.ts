import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the AWS SDK would find credentials and a region, as far as can be told without calling AWS. */
export interface AwsCredentialsCheck {
  /** The first source of credentials found, e.g. `environment variables`, `profile "dev" in ~/.aws/config`. */
  credentials?: string;
  /** The region deployments go to, and where it came from. */
  region?: string;
}

type Ini = Record<string, Record<string, string>>;

/** Parses an AWS shared config or credentials file (INI: `[section]`, `key = value`, `#`/`;` comments). */
export function parseIni(text: string): Ini {
  const sections: Ini = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section?.[1]) {
      current = sections[section[1]] ??= {};
    } else if (current && line.includes('=')) {
      const at = line.indexOf('=');
      current[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
    }
  }
  return sections;
}

function readIni(file: string): Ini {
  return existsSync(file) ? parseIni(readFileSync(file, 'utf8')) : {};
}

/** Settings in a config-file profile that let the SDK obtain credentials. */
const CONFIG_CREDENTIAL_KEYS = ['aws_access_key_id', 'credential_process', 'role_arn', 'sso_session', 'sso_start_url', 'web_identity_token_file', 'login_session'];

/**
 * Looks for AWS credentials and a region the way the AWS SDK would, reading only environment variables and
 * the shared config files — it never calls AWS, IMDS included. An EC2 instance role cannot be detected that
 * way: set `CDK_USE_INSTANCE_ROLE=1` to accept it.
 *
 * @example
 * const found = checkAwsCredentials(process.env, homedir());
 * if (!found.credentials) throw new Error('no AWS credentials');
 */
export function checkAwsCredentials(env: Record<string, string | undefined>, home: string): AwsCredentialsCheck {
  const profile = env['AWS_PROFILE'] || env['AWS_DEFAULT_PROFILE'] || 'default';
  const configFile = env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config');
  const credentialsFile = env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials');
  const config = readIni(configFile)[profile === 'default' ? 'default' : `profile ${profile}`] ?? {};
  const credentials = readIni(credentialsFile)[profile] ?? {};

  const sources: [boolean, string][] = [
    [Boolean(env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']), 'environment variables (AWS_ACCESS_KEY_ID)'],
    [Boolean(env['AWS_WEB_IDENTITY_TOKEN_FILE'] && env['AWS_ROLE_ARN']), 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)'],
    [Boolean(env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']), 'container credentials'],
    [Boolean(credentials['aws_access_key_id']), `profile "${profile}" in ${credentialsFile}`],
    [CONFIG_CREDENTIAL_KEYS.some((key) => config[key]), `profile "${profile}" in ${configFile}`],
    [env['CDK_USE_INSTANCE_ROLE'] === '1', 'the EC2 instance role (CDK_USE_INSTANCE_ROLE=1)'],
  ];
  const regionSources: [string | undefined, string][] = [
    [env['AWS_REGION'], 'AWS_REGION'],
    [env['AWS_DEFAULT_REGION'], 'AWS_DEFAULT_REGION'],
    [config['region'], `profile "${profile}" in ${configFile}`],
  ];
  const region = regionSources.find(([value]) => value);
  return {
    credentials: sources.find(([found]) => found)?.[1],
    region: region ? `${region[0]} (from ${region[1]})` : undefined,
  };
}

/**
 * The message for a deployment that cannot start, or `undefined` when credentials and a region were found.
 *
 * @example
 * const problem = missingCredentialsMessage(checkAwsCredentials(process.env, homedir()));
 */
export function missingCredentialsMessage(check: AwsCredentialsCheck): string | undefined {
  const missing = [!check.credentials && 'credentials', !check.region && 'region'].filter(Boolean);
  if (missing.length === 0) return undefined;
  return [
    `No AWS ${missing.join(' and no ')} found, so nothing was sent to AWS.`,
    'Checked: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE, container credentials, and the profile',
    'named by AWS_PROFILE (else "default") in ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE).',
    'Then: `aws configure sso` or `aws configure`, `export AWS_PROFILE=<profile>` and `export AWS_REGION=<region>` if the profile has none,',
    'and `npx cdk bootstrap` once per account and region (see docs/deploy.md).',
  ].join('\n');
}
