import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { affectedDeployArgs, markerExists } from './deploy-marker';

// `npx tsx apps/infra/src/deploy-affected.ts --stage=dev`: deploys what changed since the stage's last deployment
// (`nx affected -t deploy --base=deployed/<stage>`), or everything when the stage has no marker yet.
const { values } = parseArgs({ options: { stage: { type: 'string', default: 'dev' } }, strict: true });
const stage = values.stage as string;
const workspaceRoot = join(__dirname, '../../..');
const args = affectedDeployArgs({ stage, markerExists: markerExists(workspaceRoot, stage) });
process.stdout.write(`nx ${args.join(' ')}\n`);
const run = spawnSync(process.execPath, [require.resolve('nx/bin/nx'), ...args], { cwd: workspaceRoot, stdio: 'inherit' });
process.exit(run.status ?? 1);
