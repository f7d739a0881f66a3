import { defaultSearchPath, locateServer } from '@serverless-app/testing';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { renderTable } from './markdown';
import { workspaceRoot } from './workspace-root';

const PACKAGES = ['mysql2', '@aws-sdk/client-secrets-manager', '@middy/core', '@aws-lambda-powertools/logger', 'esbuild', 'typescript', 'nx'];

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(workspaceRoot(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function databaseServer(): string {
  const path = locateServer(defaultSearchPath());
  if (path === undefined) return 'none found';
  try {
    return execFileSync(path, ['--no-defaults', '--version'], { encoding: 'utf8' }).trim();
  } catch {
    return path;
  }
}

/** The machine and the versions a run used, as Markdown; `load` is the 1-minute load average when the run began. */
export function describeEnvironment(startedAt: Date, load = loadavg()[0] ?? 0): string {
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  const rows: string[][] = [
    ['CPU', `${cpus()[0]?.model.trim() ?? 'unknown'}, ${cpus().length} cores`],
    ['memory', gib(totalmem())],
    ['OS', `${type()} ${release()}`],
    ['load average (1 min) at start', load.toFixed(2)],
    ['Node', process.version],
    ['database server', databaseServer()],
    ...PACKAGES.map((name) => [name, packageVersion(name)]),
  ];
  return `## The machine and the versions of the last run

Last run began ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')}. Each section below also says when it was measured;
\`--only\` reruns only some of them.

${renderTable([{ header: '' }, { header: '' }], rows)}`;
}
