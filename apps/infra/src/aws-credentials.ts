import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';

/** Where the AWS SDK found credentials and a region for a deployment. */
export interface AwsCredentialsCheck {
  /** Where the credentials came from, e.g. `environment variables (AWS_ACCESS_KEY_ID)`, `profile "dev"`. */
  credentials?: string;
  /** Why the SDK found none, in its own words (e.g. an SSO session to refresh with `aws sso login`). */
  credentialsProblem?: string;
  /** The region deployments go to. */
  region?: string;
}

/** Options of {@link checkAwsCredentials}. */
export interface AwsCredentialsCheckOptions {
  /**
   * Also ask the EC2 instance metadata service and the container credentials endpoint (an instance or task
   * role). Off by default: on a laptop those lookups only wait for a timeout. @default false
   */
  useInstanceMetadata?: boolean;
}

/** The variables that make the SDK's chain ask the instance metadata service or a container endpoint. */
const METADATA_VARIABLES = ['AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];

/** Runs `lookup` with the SDK's metadata lookups switched off (the chain reads these from `process.env`). */
async function withoutInstanceMetadata<T>(lookup: () => Promise<T>): Promise<T> {
  const saved = METADATA_VARIABLES.map((name) => [name, process.env[name]] as const);
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  delete process.env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];
  delete process.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'];
  try {
    return await lookup();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Names the source of resolved credentials from the SDK's own attribution (`$source`, set by every provider). */
function describeSource(identity: object): string {
  const features = Object.keys((identity as { $source?: Record<string, string> }).$source ?? {});
  const has = (part: string) => features.some((feature) => feature.includes(part));
  if (features.includes('CREDENTIALS_ENV_VARS')) return 'environment variables (AWS_ACCESS_KEY_ID)';
  if (has('PROFILE') || has('SSO') || has('PROCESS') || has('LOGIN')) return `profile "${process.env['AWS_PROFILE'] || 'default'}"`;
  if (has('WEB_ID')) return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (has('HTTP') || has('IMDS')) return 'the instance or container role';
  return 'the AWS SDK credential chain';
}

/** The SDK's region chain (`AWS_REGION`, then the profile's `region`), plus `AWS_DEFAULT_REGION`, which the CDK CLI also reads. */
const REGION_OPTIONS: typeof NODE_REGION_CONFIG_OPTIONS = {
  ...NODE_REGION_CONFIG_OPTIONS,
  environmentVariableSelector: (env, options) => NODE_REGION_CONFIG_OPTIONS.environmentVariableSelector(env, options) || env['AWS_DEFAULT_REGION'] || undefined,
};

/**
 * Resolves credentials and a region with the AWS SDK's own provider chains (`fromNodeProviderChain`, the
 * region chain of every client), from `process.env`, the shared config and credentials files
 * (`AWS_PROFILE`, `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`), SSO, `credential_process` and web
 * identity — without the instance metadata service or a container endpoint unless `useInstanceMetadata`.
 * A profile that assumes a role or uses SSO may call AWS (STS, the SSO portal) to do so; with nothing
 * configured nothing is sent anywhere.
 *
 * @example
 * const found = await checkAwsCredentials();
 * if (!found.credentials) throw new Error(missingCredentialsMessage(found));
 */
export async function checkAwsCredentials(options: AwsCredentialsCheckOptions = {}): Promise<AwsCredentialsCheck> {
  const resolve = async (): Promise<AwsCredentialsCheck> => {
    const check: AwsCredentialsCheck = {};
    try {
      check.credentials = describeSource(await fromNodeProviderChain({ ignoreCache: true })());
    } catch (error) {
      check.credentialsProblem = (error as Error).message;
    }
    const region = loadConfig(REGION_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ignoreCache: true });
    check.region = await region().catch(() => undefined);
    return check;
  };
  return options.useInstanceMetadata ? resolve() : withoutInstanceMetadata(resolve);
}

/**
 * The message for a deployment that cannot start, or `undefined` when credentials and a region were found.
 *
 * @example
 * const problem = missingCredentialsMessage(await checkAwsCredentials());
 */
export function missingCredentialsMessage(check: AwsCredentialsCheck): string | undefined {
  const missing = [!check.credentials && 'credentials', !check.region && 'region'].filter(Boolean);
  if (missing.length === 0) return undefined;
  return [
    `No AWS ${missing.join(' and no ')} found, so nothing was sent to AWS.`,
    ...(check.credentials ? [] : [`The AWS SDK's credential chain said: ${check.credentialsProblem ?? 'no credentials'}`]),
    'Checked as the AWS SDK does: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile named by AWS_PROFILE (else "default")',
    'in ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), SSO, credential_process,',
    'AWS_WEB_IDENTITY_TOKEN_FILE; a region from AWS_REGION, AWS_DEFAULT_REGION or the profile. On an EC2 instance or container',
    'role, set CDK_USE_INSTANCE_ROLE=1 to let the check ask the instance metadata service.',
    'Then: `aws configure sso` or `aws configure`, `export AWS_PROFILE=<profile>` and `export AWS_REGION=<region>` if the profile has none,',
    'and `npx cdk bootstrap` once per account and region (see docs/deploy.md).',
  ].join('\n');
}
