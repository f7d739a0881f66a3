import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAwsCredentials, missingCredentialsMessage, parseIni } from './aws-credentials';

describe('checkAwsCredentials', () => {
  let home: string;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'infra-aws-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const writeAws = (file: string, text: string) => {
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', file), text);
  };

  it('finds nothing in an empty environment and home, and says what to do', () => {
    const check = checkAwsCredentials({}, home);

    expect(check).toEqual({ credentials: undefined, region: undefined });
    expect(missingCredentialsMessage(check)).toMatch(/^No AWS credentials and no region found, so nothing was sent to AWS\./);
    expect(missingCredentialsMessage(check)).toContain('cdk bootstrap');
  });

  it('accepts credentials and a region from environment variables', () => {
    const check = checkAwsCredentials({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1' }, home);

    expect(check).toEqual({ credentials: 'environment variables (AWS_ACCESS_KEY_ID)', region: 'eu-west-1 (from AWS_REGION)' });
    expect(missingCredentialsMessage(check)).toBeUndefined();
  });

  it('accepts an SSO profile named by AWS_PROFILE, with its region, from ~/.aws/config', () => {
    writeAws('config', '[default]\nregion = us-east-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 123\nregion = ap-northeast-2\n');

    const check = checkAwsCredentials({ AWS_PROFILE: 'dev' }, home);

    expect(check.credentials).toBe(`profile "dev" in ${join(home, '.aws', 'config')}`);
    expect(check.region).toBe(`ap-northeast-2 (from profile "dev" in ${join(home, '.aws', 'config')})`);
  });

  it('accepts static keys of the default profile, but still wants a region', () => {
    writeAws('credentials', '# keys\n[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n');

    const check = checkAwsCredentials({}, home);

    expect(check.credentials).toBe(`profile "default" in ${join(home, '.aws', 'credentials')}`);
    expect(missingCredentialsMessage(check)).toMatch(/^No AWS region found/);
  });

  it('does not take another profile\'s keys, nor a region-only profile, for credentials', () => {
    writeAws('credentials', '[other]\naws_access_key_id = AKIA\n');
    writeAws('config', '[profile dev]\nregion = eu-west-1\n');

    expect(checkAwsCredentials({ AWS_PROFILE: 'dev' }, home).credentials).toBeUndefined();
  });
});

describe('parseIni', () => {
  it('reads sections, keys (lower-cased) and values, skipping comments', () => {
    expect(parseIni('; c\n[profile a]\nRegion = eu-west-1\n# c\nrole_arn=arn:aws:iam::1:role/x\n')).toEqual({ 'profile a': { region: 'eu-west-1', role_arn: 'arn:aws:iam::1:role/x' } });
  });
});

describe('require-aws-credentials (run before cdk deploy, diff and destroy)', () => {
  it('stops with the message and exit code 1 when there are no credentials, before anything calls AWS', () => {
    const home = mkdtempSync(join(tmpdir(), 'infra-aws-home-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'require-aws-credentials.ts')], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'], HOME: home },
      });

      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^No AWS credentials and no region found, so nothing was sent to AWS\./);
      expect(run.stdout).toBe('');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
