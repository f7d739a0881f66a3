import type { RouteManifestEntry } from '../http/route';

/** The label of a request that matched no declared route (the catch-all resource, or a method not declared). */
export const OTHER_ROUTE = 'other';

/**
 * The `route` dimension of a request: `"GET /items/{id}"` for a declared route (API Gateway's `resource`
 * template, never the raw path), else {@link OTHER_ROUTE}. The labels are built once, so a request costs two
 * map lookups and no string is made per request; a path or method the caller made up can never become a
 * dimension value.
 *
 * @example
 * const label = routeLabels(routeManifest());
 * label('GET', '/items/{id}'); // 'GET /items/{id}'
 * label('PUT', '/{proxy+}');   // 'other'
 */
export function routeLabels(routes: readonly RouteManifestEntry[]): (method: unknown, resource: unknown) => string {
  const byResource = new Map<string, Map<string, string>>();
  for (const { method, path } of routes) {
    let methods = byResource.get(path);
    if (!methods) byResource.set(path, (methods = new Map()));
    methods.set(method, `${method} ${path}`);
  }
  return (method, resource) => (typeof resource === 'string' && typeof method === 'string' && byResource.get(resource)?.get(method)) || OTHER_ROUTE;
}

/** The values of the `statusClass` dimension. */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * The index in {@link STATUS_CLASSES} of a status code's class — its `statusClass` dimension; anything that is
 * not a status (no answer at all) counts as `5xx`.
 *
 * @example
 * statusClassIndex(404); // 3
 */
export function statusClassIndex(status: unknown): number {
  const index = typeof status === 'number' ? Math.floor(status / 100) - 1 : -1;
  return index >= 0 && index < STATUS_CLASSES.length ? index : STATUS_CLASSES.length - 1;
}
