import type { Feature, Route } from './http/route';
import { routesOf } from './route-table';

/** The markers around the generated route table in README.md (written by `npx nx run api:readme-routes`). */
export const README_ROUTES_START = '<!-- routes:start -->';
export const README_ROUTES_END = '<!-- routes:end -->';

const AUTH: Record<string, string> = { none: 'public', iam: 'IAM (SigV4)' };
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** What a row of the README's route table shows of a route. */
export type ReadmeRoute = Pick<Route, 'method' | 'path' | 'auth' | 'summary'>;

/**
 * One row of the README's route table (Markdown). The endpoint generator adds
 * its rows with this too, so the format is defined here only.
 *
 * @example
 * readmeRouteRow({ method: 'GET', path: '/items/{id}', auth: 'none', summary: 'read an item' }); // '| `GET /items/{id}` | public | read an item |'
 */
export function readmeRouteRow(r: ReadmeRoute): string {
  return `| \`${r.method} ${r.path}\` | ${AUTH[r.auth] ?? r.auth} | ${cell(r.summary)} |`;
}

/**
 * The README's route table (Markdown), one row per route.
 *
 * @example
 * readmeRouteTable(features); // '| route | auth | what it does |\n|---|---|---|\n| `GET /` | public | ... |'
 */
export function readmeRouteTable(features?: readonly Feature[]): string {
  return ['| route | auth | what it does |', '|---|---|---|', ...routesOf(features).map(readmeRouteRow)].join('\n');
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
