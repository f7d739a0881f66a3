import { README_ROUTES_END, README_ROUTES_START, type ReadmeRoute, readmeRouteRow, readmeRouteTable, withRouteTable } from '@serverless-app/api';

/** Why the README cannot take the rows; it is left as it was. */
export class ReadmeRowsError extends Error {
  override name = 'ReadmeRowsError';
}

/** The route table between the markers, or a {@link ReadmeRowsError} saying what is missing. */
function currentTable(readme: string, where: string): string {
  const start = readme.indexOf(README_ROUTES_START);
  const end = readme.indexOf(README_ROUTES_END);
  if (start < 0 || end < start) {
    throw new ReadmeRowsError(`${where} needs its generated route table between ${README_ROUTES_START} and ${README_ROUTES_END} (npx nx run api:readme-routes writes it)`);
  }
  return readme.slice(start + README_ROUTES_START.length, end).trim();
}

/**
 * Checks that the README has the generated route table the rows go into.
 *
 * @example
 * checkReadmeRows(tree.read('README.md', 'utf-8') ?? '', 'README.md');
 */
export function checkReadmeRows(readme: string, where: string): void {
  currentTable(readme, where);
}

/**
 * README text with the routes appended to its generated route table — what
 * `npx nx run api:readme-routes` writes once the feature is the last of
 * `features.ts`. The rows come from the api's own renderer, so the format is
 * defined once; the rest of the README is left byte for byte.
 *
 * @example
 * withReadmeRows(readme, [{ method: 'GET', path: '/orders/{id}', auth: 'none', summary: 'read an order' }], 'README.md');
 */
export function withReadmeRows(readme: string, routes: readonly ReadmeRoute[], where: string): string {
  const table = currentTable(readme, where) || readmeRouteTable([]);
  return withRouteTable(readme, [table, ...routes.map(readmeRouteRow)].join('\n'));
}
