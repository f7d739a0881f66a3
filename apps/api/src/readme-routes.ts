import type { Feature } from './http/route';
import { routesOf } from './route-table';

/** The markers around the generated route table in README.md (written by `npx nx run api:readme-routes`). */
export const README_ROUTES_START = '<!-- routes:start -->';
export const README_ROUTES_END = '<!-- routes:end -->';

const AUTH: Record<string, string> = { none: 'public', iam: 'IAM (SigV4)' };
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The README's route table (Markdown), one row per route.
 *
 * @example
 * readmeRouteTable(features); // '| route | auth | what it does |\n|---|---|---|\n| `GET /` | public | ... |'
 */
export function readmeRouteTable(features?: readonly Feature[]): string {
  const rows = routesOf(features).map((r) => `| \`${r.method} ${r.path}\` | ${AUTH[r.auth] ?? r.auth} | ${cell(r.summary)} |`);
  return ['| route | auth | what it does |', '|---|---|---|', ...rows].join('\n');
}

/**
 * README text with the section between the markers replaced by `table`;
 * throws when the markers are missing or out of order.
 *
 * @example
 * writeFileSync('README.md', withRouteTable(readFileSync('README.md', 'utf8'), readmeRouteTable()));
 */
export function withRouteTable(readme: string, table: string): string {
  const start = readme.indexOf(README_ROUTES_START);
  const end = readme.indexOf(README_ROUTES_END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${README_ROUTES_START} and ${README_ROUTES_END}, in that order`);
  return `${readme.slice(0, start + README_ROUTES_START.length)}\n${table}\n${readme.slice(end)}`;
}
