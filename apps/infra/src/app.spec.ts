import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infraRoot, standInApiAsset } from './test-app.test-util';

/** Runs a command without network: in an empty network namespace where the kernel allows one, else with proxies that lead nowhere. */
function offline(command: string[]): { argv: string[]; how: string } {
  const unshare = spawnSync('unshare', ['-rn', 'true']);
  return unshare.status === 0 ? { argv: ['unshare', '-rn', ...command], how: 'network namespace' } : { argv: command, how: 'proxies to a closed port' };
}

describe('the CDK app (main.ts) through the CDK CLI', () => {
  const scratch: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(dir);
    return dir;
  };
  afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('synthesises the dev stage offline, strictly, with no credentials, notices or telemetry', () => {
    const output = tempDir('infra-cdk-out-');
    const home = tempDir('infra-home-');
    const synth = JSON.parse(readFileSync(join(infraRoot, 'project.json'), 'utf8')).targets.synth.options;
    const cdk = [process.execPath, require.resolve('aws-cdk/bin/cdk')];
    const args = ['synth', '--quiet', '--strict', '--no-notices', '--no-version-reporting', '-c', 'stage=dev', '-c', `apiAssetDir=${standInApiAsset()}`, '--output', output];
    const { argv, how } = offline([...cdk, ...args]);

    const run = spawnSync(argv[0] as string, argv.slice(1), {
      cwd: infraRoot,
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        PATH: process.env['PATH'],
        HOME: home,
        ...synth.env,
        HTTP_PROXY: 'http://127.0.0.1:9',
        HTTPS_PROXY: 'http://127.0.0.1:9',
      },
    });

    expect({ how, status: run.status, stderr: run.stderr }).toEqual({ how, status: 0, stderr: '' });
    const template = JSON.parse(readFileSync(join(output, 'ServerlessApp-dev.template.json'), 'utf8'));
    expect(Object.values(template.Resources).some((r) => (r as { Type: string }).Type === 'AWS::CDK::Metadata')).toBe(false);
    expect(Object.values(template.Resources).filter((r) => (r as { Type: string }).Type === 'AWS::RDS::DBProxy')).toHaveLength(1);
    expect(existsSync(join(home, '.aws'))).toBe(false);
    expect(readdirSync(output)).toContain('manifest.json');
  }, 300_000);
});
