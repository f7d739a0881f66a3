import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAwsCredentials, missingCredentialsMessage } from './aws-credentials';

/**
 * The real AWS SDK provider chains against temp config files and environment variables: nothing here can
 * reach AWS (no profile assumes a role, no SSO token is cached, and the metadata lookups are off or local).
 */
describe('checkAwsCredentials', () => {
  let dir: string;
  let savedEnv: NodeJS.ProcessEnv;
  let configFile: string;
  let credentialsFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'infra-aws-home-'));
    configFile = join(dir, 'config');
    credentialsFile = join(dir, 'credentials');
    savedEnv = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_') || name.startsWith('CDK_')) delete process.env[name];
    Object.assign(process.env, { HOME: dir, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile });
  });
  afterEach(() => {
    process.env = savedEnv;
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds nothing in an empty environment and home, and says what to do', async () => {
    const check = await checkAwsCredentials();

    expect(check).toEqual({ credentialsProblem: 'Could not load credentials from any providers', region: undefined });
    const message = missingCredentialsMessage(check);
    expect(message).toMatch(/^No AWS credentials and no region found, so nothing was sent to AWS\./);
    expect(message).toContain("The AWS SDK's credential chain said: Could not load credentials from any providers");
    expect(message).toContain('CDK_USE_INSTANCE_ROLE=1');
    expect(message).toContain('cdk bootstrap');
  });

  it('accepts credentials and a region from environment variables', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1' });

    const check = await checkAwsCredentials();

    expect(check).toEqual({ credentials: 'environment variables (AWS_ACCESS_KEY_ID)', region: 'eu-west-1' });
    expect(missingCredentialsMessage(check)).toBeUndefined();
  });

  it('takes AWS_DEFAULT_REGION too, as the CDK CLI does', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 's', AWS_DEFAULT_REGION: 'eu-central-1' });

    expect((await checkAwsCredentials()).region).toBe('eu-central-1');
  });

  it('accepts static keys of the profile named by AWS_PROFILE, with the region of that profile', async () => {
    writeFileSync(credentialsFile, '[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n\n[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n');
    writeFileSync(configFile, '[default]\nregion = us-east-1\n\n[profile dev]\nregion = ap-northeast-2\n');
    process.env['AWS_PROFILE'] = 'dev';

    const check = await checkAwsCredentials();

    expect(check).toEqual({ credentials: 'profile "dev"', region: 'ap-northeast-2' });
  });

  it('accepts static keys of the default profile, but still wants a region', async () => {
    writeFileSync(credentialsFile, '# keys\n[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n');

    const check = await checkAwsCredentials();

    expect(check.credentials).toBe('profile "default"');
    expect(missingCredentialsMessage(check)).toMatch(/^No AWS region found, so nothing was sent to AWS\.\nChecked as the AWS SDK does/);
  });

  it("does not take another profile's keys, nor a region-only profile, for credentials", async () => {
    writeFileSync(credentialsFile, '[other]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n');
    writeFileSync(configFile, '[profile dev]\nregion = eu-west-1\n');
    process.env['AWS_PROFILE'] = 'dev';

    const check = await checkAwsCredentials();

    expect(check.credentials).toBeUndefined();
    expect(check.region).toBe('eu-west-1');
    expect(missingCredentialsMessage(check)).toMatch(/^No AWS credentials found/);
  });

  it("passes on the SDK's advice for an SSO profile whose session is not logged in", async () => {
    writeFileSync(
      configFile,
      '[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = ap-northeast-2\n\n' +
        '[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n',
    );
    process.env['AWS_PROFILE'] = 'dev';

    const check = await checkAwsCredentials();

    expect(check.credentials).toBeUndefined();
    expect(check.region).toBe('ap-northeast-2');
    expect(missingCredentialsMessage(check)).toContain("run 'aws sso login'");
  });

  describe('instance and container roles', () => {
    let endpoint: Server;
    let requests: number;

    beforeEach(async () => {
      requests = 0;
      endpoint = createServer((_req, res) => {
        requests += 1;
        res.setHeader('content-type', 'application/json');
        const expiration = new Date(Date.now() + 3_600_000).toISOString();
        res.end(JSON.stringify({ AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 's', Token: 't', Expiration: expiration }));
      });
      await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
      const { port } = endpoint.address() as { port: number };
      Object.assign(process.env, { AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`, AWS_REGION: 'eu-west-1' });
    });
    afterEach(() => new Promise<void>((resolve) => endpoint.close(() => resolve())));

    it('are not asked by default, and the variables that point at them are left as they were', async () => {
      const uri = process.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'];

      const check = await checkAwsCredentials();

      expect(check.credentials).toBeUndefined();
      expect(requests).toBe(0);
      expect(process.env['AWS_CONTAINER_CREDENTIALS_FULL_URI']).toBe(uri);
      expect(process.env['AWS_EC2_METADATA_DISABLED']).toBeUndefined();
    });

    it('are asked with useInstanceMetadata (CDK_USE_INSTANCE_ROLE=1)', async () => {
      const check = await checkAwsCredentials({ useInstanceMetadata: true });

      expect(check).toEqual({ credentials: 'the instance or container role', region: 'eu-west-1' });
      expect(requests).toBeGreaterThan(0);
    });
  });
});

describe('require-aws-credentials (run before cdk deploy, diff and destroy)', () => {
  function run(env: Record<string, string>): SpawnSyncReturns<string> {
    const home = mkdtempSync(join(tmpdir(), 'infra-aws-home-'));
    try {
      return spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'require-aws-credentials.ts')], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: home, ...env },
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }

  it('stops with the message and exit code 1 when there are no credentials, before anything calls AWS', () => {
    const result = run({});

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^No AWS credentials and no region found, so nothing was sent to AWS\./);
    expect(result.stdout).toBe('');
  });

  it('says what it found and exits 0 when there are credentials and a region', () => {
    const result = run({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1' });

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('AWS credentials: environment variables (AWS_ACCESS_KEY_ID); region: eu-west-1\n');
  });
});
