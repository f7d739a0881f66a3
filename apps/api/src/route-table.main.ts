/**
 * Writes what derives from the route table in files:
 *
 *   tsx apps/api/src/route-table.main.ts --manifest <file>   the route manifest and the metrics contract (JSON), for the infrastructure
 *   tsx apps/api/src/route-table.main.ts --readme <file>     README.md's route table, between its markers
 *
 * Run through Nx: `npx nx run api:routes` (cached; `api:build` copies its output into dist/apps/api) and
 * `npx nx run api:readme-routes`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readmeRouteTable, withRouteTable } from './readme-routes';
import { API_METRICS_CONTRACT } from './observability/metrics-contract';
import { routeManifest } from './route-table';

const USAGE = 'usage: route-table.main.ts --manifest <file> | --readme <file>';

function main(args: readonly string[]): void {
  const [option, target] = args;
  if (args.length !== 2 || target === undefined || !['--manifest', '--readme'].includes(option ?? '')) throw new Error(USAGE);
  const file = resolve(target);
  if (option === '--manifest') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ routes: routeManifest(), metrics: API_METRICS_CONTRACT }, null, 2)}\n`);
    process.stdout.write(`wrote the route manifest to ${file}\n`);
    return;
  }
  const before = readFileSync(file, 'utf8');
  const after = withRouteTable(before, readmeRouteTable());
  if (after !== before) writeFileSync(file, after);
  process.stdout.write(`${after === before ? 'the route table is up to date in' : 'updated the route table in'} ${file}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}
