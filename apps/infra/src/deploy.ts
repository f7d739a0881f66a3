import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cdkDeployArgs, moveMarker, requireApproval } from './deploy-marker';

// The deploy target's last step (see project.json), after the synth and the credentials check: `cdk deploy` of the
// synthesised assembly, asking for approval unless CI=true, then — only if it succeeded — the stage's
// `deployed/<stage>` marker moved to HEAD (pushed to DEPLOY_MARKER_REMOTE when set).
const { values } = parseArgs({ options: { stage: { type: 'string', default: 'dev' }, 'require-approval': { type: 'string' } }, strict: true });
const stage = values.stage as string;
const cdk = [require.resolve('aws-cdk/bin/cdk'), ...cdkDeployArgs({ stage, approval: requireApproval(process.env, values['require-approval']) })];
const run = spawnSync(process.execPath, cdk, { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

const marker = moveMarker({ cwd: join(__dirname, '../../..'), stage, remote: process.env['DEPLOY_MARKER_REMOTE'] || undefined });
process.stdout.write(
  marker.moved
    ? `${marker.tag} → ${marker.commit.slice(0, 12)}${marker.pushedTo ? ` (pushed to ${marker.pushedTo})` : ''}\n`
    : `${marker.tag} not moved: ${marker.reason}; commit and deploy again for nx affected to see this deployment\n`,
);
