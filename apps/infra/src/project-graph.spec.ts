import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraRoot, workspaceRoot } from './test-app.test-util';

const nx = (...args: string[]) =>
  execFileSync(process.execPath, [require.resolve('nx/bin/nx'), ...args], { cwd: workspaceRoot, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } });

interface Target {
  dependsOn?: (string | { target: string; params?: string })[];
  options: { command?: string; commands?: { command: string }[]; env?: Record<string, string>; stage?: string };
}

describe('the infra project in the Nx graph', () => {
  let targets: Record<string, Target>;

  beforeAll(() => {
    targets = JSON.parse(readFileSync(join(infraRoot, 'project.json'), 'utf8')).targets;
  });

  it('is selected by `nx affected -t deploy` after a change in libs/db (db → api → infra)', () => {
    const affected = JSON.parse(nx('show', 'projects', '--affected', '--files=libs/db/src/retry.ts', '-t', 'deploy', '--json'));

    expect(affected).toEqual(['infra']);
  }, 60_000);

  it('builds the api before synthesising, and deploys, diffs and destroys only what synth produced, for dev by default', () => {
    expect(targets['synth']?.dependsOn).toEqual(['^build']);
    for (const name of ['deploy', 'diff', 'destroy']) {
      expect([name, targets[name]?.dependsOn]).toEqual([name, [{ target: 'synth', params: 'forward' }]]);
      expect([name, targets[name]?.options.stage]).toEqual([name, 'dev']);
    }
    for (const name of ['diff', 'destroy']) {
      expect([name, targets[name]?.options.commands?.[1]?.command]).toEqual([name, expect.stringContaining('--app ../../dist/apps/infra/cdk.out/{args.stage}')]);
    }
    // deploy.ts runs `cdk deploy` with cdkDeployArgs (the same assembly; deploy-marker.spec.ts), then moves the marker.
    expect(targets['deploy']?.options.commands?.[1]?.command).toBe('tsx src/deploy.ts --stage={args.stage} --require-approval={args.requireApproval}');
  });

  it('lets CI=true decide the approval level unless one is passed (no fixed default in the target)', () => {
    expect(targets['deploy']?.options).not.toHaveProperty('requireApproval');
  });

  it('checks for AWS credentials before anything that calls AWS', () => {
    for (const name of ['deploy', 'diff', 'destroy']) {
      expect([name, targets[name]?.options.commands?.[0]?.command]).toEqual([name, 'tsx src/require-aws-credentials.ts']);
    }
  });

  it('synthesises strictly (warnings fail) without notices, telemetry, version check or instance metadata', () => {
    const synth = targets['synth']?.options;
    const cdkJson = JSON.parse(readFileSync(join(infraRoot, 'cdk.json'), 'utf8'));

    expect(synth?.command).toMatch(/^cdk synth --quiet --strict --no-notices --no-version-reporting -c stage=\{args\.stage\}/);
    expect(synth?.env).toEqual({ CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' });
    expect(cdkJson).toMatchObject({ app: 'node --import tsx src/main.ts', notices: false, context: { 'cli-telemetry': false } });
  });
});
