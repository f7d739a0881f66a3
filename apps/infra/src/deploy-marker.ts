import { execFileSync } from 'node:child_process';

/**
 * What was deployed where: a git tag `deployed/<stage>` on the commit a stage was last deployed from, moved by the
 * deploy target after a successful `cdk deploy`. `nx affected -t deploy --base=deployed/<stage>` then selects what
 * changed since that deployment — whatever was merged in between — instead of since a branch point.
 */

const STAGE_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/**
 * The marker tag of a stage.
 *
 * @example
 * markerTag('dev'); // 'deployed/dev'
 */
export function markerTag(stage: string): string {
  if (!STAGE_NAME.test(stage)) throw new Error(`Not a stage name: ${JSON.stringify(stage)}`);
  return `deployed/${stage}`;
}

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Whether the stage's marker exists in the repository at `cwd`. */
export function markerExists(cwd: string, stage: string): boolean {
  try {
    git(cwd, 'rev-parse', '--verify', '--quiet', `refs/tags/${markerTag(stage)}^{commit}`);
    return true;
  } catch {
    return false;
  }
}

/** What {@link moveMarker} did. */
export type MarkerMove = { moved: true; tag: string; commit: string; pushedTo?: string } | { moved: false; tag: string; reason: string };

/**
 * Moves the stage's marker to `HEAD`, after a successful deployment — unless the working tree has uncommitted
 * changes, which were deployed but are in no commit (the marker would then claim what it cannot show). With
 * `remote`, the tag is pushed there too (forced: it moves), so that other clones and CI see it.
 *
 * @example
 * moveMarker({ cwd: workspaceRoot, stage: 'dev' }); // { moved: true, tag: 'deployed/dev', commit: '3f2a…' }
 */
export function moveMarker(options: { cwd: string; stage: string; remote?: string }): MarkerMove {
  const tag = markerTag(options.stage);
  const dirty = git(options.cwd, 'status', '--porcelain', '--untracked-files=no');
  if (dirty !== '') return { moved: false, tag, reason: 'the working tree has uncommitted changes, so the deployed code is in no commit' };
  const commit = git(options.cwd, 'rev-parse', 'HEAD');
  git(options.cwd, 'tag', '--force', tag, commit);
  if (!options.remote) return { moved: true, tag, commit };
  git(options.cwd, 'push', '--force', options.remote, `refs/tags/${tag}`);
  return { moved: true, tag, commit, pushedTo: options.remote };
}

/**
 * The `nx` arguments that deploy a stage where needed: what changed since its marker
 * (`affected -t deploy --base=deployed/<stage>`), or — with no marker, nothing known to be deployed — every
 * project with a deploy target.
 *
 * @example
 * affectedDeployArgs({ stage: 'prod', markerExists: true }); // ['affected', '-t', 'deploy', '--base=deployed/prod', '--head=HEAD', '--stage=prod']
 */
export function affectedDeployArgs({ stage, markerExists: exists }: { stage: string; markerExists: boolean }): string[] {
  const tag = markerTag(stage);
  return exists ? ['affected', '-t', 'deploy', `--base=${tag}`, '--head=HEAD', `--stage=${stage}`] : ['run-many', '-t', 'deploy', `--stage=${stage}`];
}

/** CDK's `--require-approval` levels. */
export type ApprovalLevel = 'never' | 'any-change' | 'broadening';

/**
 * How `cdk deploy` asks before security-widening changes: `never` when `CI=true` (nobody can answer; the pipeline's
 * review is the approval), `broadening` otherwise (asks before new IAM statements or security group rules). An
 * explicit level wins.
 *
 * @example
 * requireApproval({ CI: 'true' }); // 'never'
 * requireApproval({}, 'any-change'); // 'any-change'
 */
export function requireApproval(env: Record<string, string | undefined>, explicit?: string): ApprovalLevel {
  const levels: ApprovalLevel[] = ['never', 'any-change', 'broadening'];
  if (explicit !== undefined && explicit !== '') {
    if (!(levels as string[]).includes(explicit)) throw new Error(`--require-approval must be one of ${levels.join(', ')}, got ${JSON.stringify(explicit)}`);
    return explicit as ApprovalLevel;
  }
  return env['CI'] === 'true' ? 'never' : 'broadening';
}

/**
 * The `cdk deploy` arguments for a stage: exactly the assembly `infra:synth` produced, every stack, its outputs
 * written to `dist/apps/infra/outputs-<stage>.json` (paths relative to `apps/infra`).
 *
 * @example
 * cdkDeployArgs({ stage: 'dev', approval: 'broadening' });
 */
export function cdkDeployArgs({ stage, approval }: { stage: string; approval: ApprovalLevel }): string[] {
  markerTag(stage);
  return [
    'deploy',
    '--no-notices',
    '--app',
    `../../dist/apps/infra/cdk.out/${stage}`,
    '--all',
    '--require-approval',
    approval,
    '--outputs-file',
    `../../dist/apps/infra/outputs-${stage}.json`,
  ];
}
