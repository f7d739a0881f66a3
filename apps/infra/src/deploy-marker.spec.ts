import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { affectedDeployArgs, cdkDeployArgs, markerExists, markerTag, moveMarker, requireApproval } from './deploy-marker';

/** A throwaway git repository with one commit, and a bare one to push to. */
function tempRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'infra-marker-'));
  const remote = mkdtempSync(join(tmpdir(), 'infra-marker-remote-'));
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git(remote, 'init', '--bare', '--quiet');
  git(dir, 'init', '--quiet');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'test');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'remote', 'add', 'origin', remote);
  const commit = (file: string, text: string) => {
    writeFileSync(join(dir, file), text);
    git(dir, 'add', file);
    git(dir, 'commit', '--quiet', '-m', `change ${file}`);
    return git(dir, 'rev-parse', 'HEAD');
  };
  commit('README.md', 'first\n');
  return { dir, remote, git, commit, cleanup: () => [dir, remote].forEach((d) => rmSync(d, { recursive: true, force: true })) };
}

describe('the deployed/<stage> marker', () => {
  let repo: ReturnType<typeof tempRepo>;
  beforeEach(() => {
    repo = tempRepo();
  });
  afterEach(() => repo.cleanup());

  it('does not exist before the first deployment, so everything with a deploy target is deployed', () => {
    expect(markerExists(repo.dir, 'dev')).toBe(false);
    expect(affectedDeployArgs({ stage: 'dev', markerExists: false })).toEqual(['run-many', '-t', 'deploy', '--stage=dev']);
  });

  it('is moved to HEAD after a deployment, and moved again after the next one, per stage', () => {
    const first = repo.git(repo.dir, 'rev-parse', 'HEAD');

    expect(moveMarker({ cwd: repo.dir, stage: 'dev' })).toEqual({ moved: true, tag: 'deployed/dev', commit: first });
    const second = repo.commit('merged.txt', 'merged after the deployment\n');
    expect(repo.git(repo.dir, 'diff', '--name-only', 'deployed/dev', 'HEAD')).toBe('merged.txt'); // what nx affected compares
    expect(moveMarker({ cwd: repo.dir, stage: 'dev' })).toMatchObject({ moved: true, commit: second });

    expect(repo.git(repo.dir, 'rev-parse', 'deployed/dev^{commit}')).toBe(second);
    expect(markerExists(repo.dir, 'dev')).toBe(true);
    expect(markerExists(repo.dir, 'prod')).toBe(false);
    expect(affectedDeployArgs({ stage: 'dev', markerExists: true })).toEqual(['affected', '-t', 'deploy', '--base=deployed/dev', '--head=HEAD', '--stage=dev']);
  });

  it('is not moved when uncommitted changes were deployed', () => {
    writeFileSync(join(repo.dir, 'README.md'), 'edited, not committed\n');

    expect(moveMarker({ cwd: repo.dir, stage: 'dev' })).toEqual({ moved: false, tag: 'deployed/dev', reason: expect.stringContaining('uncommitted changes') });
    expect(markerExists(repo.dir, 'dev')).toBe(false);
  });

  it('is pushed, forced, to a remote when one is named', () => {
    moveMarker({ cwd: repo.dir, stage: 'prod', remote: 'origin' });
    const next = repo.commit('b.txt', 'b\n');

    expect(moveMarker({ cwd: repo.dir, stage: 'prod', remote: 'origin' })).toEqual({ moved: true, tag: 'deployed/prod', commit: next, pushedTo: 'origin' });
    expect(repo.git(repo.remote, 'rev-parse', 'deployed/prod^{commit}')).toBe(next);
  });

  it.each([['../x'], ['Dev'], [''], ['a b']])('refuses the stage name %p', (stage) => {
    expect(() => markerTag(stage)).toThrow('Not a stage name');
    expect(() => moveMarker({ cwd: repo.dir, stage })).toThrow('Not a stage name');
  });
});

describe('requireApproval', () => {
  it('never asks in CI, where nobody can answer, and asks before security-widening changes elsewhere', () => {
    expect(requireApproval({ CI: 'true' })).toBe('never');
    expect(requireApproval({})).toBe('broadening');
    expect(requireApproval({ CI: 'false' })).toBe('broadening');
    expect(requireApproval({ CI: '1' })).toBe('broadening');
  });

  it('takes an explicit level, and refuses an unknown one', () => {
    expect(requireApproval({ CI: 'true' }, 'any-change')).toBe('any-change');
    expect(requireApproval({}, '')).toBe('broadening');
    expect(() => requireApproval({}, 'sometimes')).toThrow('--require-approval must be one of never, any-change, broadening');
  });
});

describe('cdkDeployArgs', () => {
  it('deploys exactly the synthesised assembly of the stage and writes its outputs', () => {
    expect(cdkDeployArgs({ stage: 'prod', approval: 'never' })).toEqual([
      'deploy',
      '--no-notices',
      '--app',
      '../../dist/apps/infra/cdk.out/prod',
      '--all',
      '--require-approval',
      'never',
      '--outputs-file',
      '../../dist/apps/infra/outputs-prod.json',
    ]);
  });
});
