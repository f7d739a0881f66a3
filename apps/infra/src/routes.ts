import { readFileSync } from 'node:fs';

/** The methods a route of the api may declare. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** An HTTP method of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One route the api Lambda serves, as declared in `apps/api/routes.json`. */
export interface Route {
  method: HttpMethod;
  /** `/`, or segments that are literals or `{name}` path parameters, e.g. `/items/{id}`. */
  path: string;
}

const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAMETER_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;

function invalid(source: string, message: string): Error {
  return new Error(`${source}: ${message}`);
}

function checkPath(source: string, path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalid(source, `path must be a string starting with "/", got ${JSON.stringify(path)}`);
  if (path === '/') return path;
  for (const segment of path.slice(1).split('/')) {
    if (!LITERAL_SEGMENT.test(segment) && !PARAMETER_SEGMENT.test(segment)) {
      throw invalid(source, `path "${path}" has an invalid segment "${segment}" (a literal, or a {name} parameter; greedy {name+} paths are added by the infrastructure)`);
    }
  }
  return path;
}

/** API Gateway allows one path parameter per level: `/items/{id}` and `/items/{key}` cannot both exist. */
function checkOneParameterPerLevel(source: string, routes: readonly Route[]): void {
  const parameterAt = new Map<string, string>();
  for (const { path } of routes) {
    const segments = path.split('/').filter(Boolean);
    segments.forEach((segment, i) => {
      if (!PARAMETER_SEGMENT.test(segment)) return;
      const parent = `/${segments.slice(0, i).join('/')}`;
      const existing = parameterAt.get(parent);
      if (existing !== undefined && existing !== segment) {
        throw invalid(source, `paths under "${parent}" use two different parameters, ${existing} and ${segment}; API Gateway allows one per level`);
      }
      parameterAt.set(parent, segment);
    });
  }
}

/**
 * Validates the content of `routes.json` (`{ routes: [{ method, path }] }`), failing with a message that
 * names the source and the bad entry.
 *
 * @example
 * parseRoutes({ routes: [{ method: 'GET', path: '/items/{id}' }] });
 */
export function parseRoutes(json: unknown, source = 'routes.json'): Route[] {
  const list = (json as { routes?: unknown } | null)?.routes;
  if (!Array.isArray(list) || list.length === 0) throw invalid(source, 'expected { "routes": [ { "method", "path" }, ... ] } with at least one route');
  const seen = new Set<string>();
  const routes = list.map((entry: unknown): Route => {
    const { method, path } = (entry ?? {}) as { method?: unknown; path?: unknown };
    if (!HTTP_METHODS.includes(method as HttpMethod)) throw invalid(source, `method must be one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
    const route = { method: method as HttpMethod, path: checkPath(source, path) };
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw invalid(source, `duplicate route ${key}`);
    seen.add(key);
    return route;
  });
  checkOneParameterPerLevel(source, routes);
  return routes;
}

/**
 * Reads and validates a `routes.json` file.
 *
 * @example
 * const routes = loadRoutes(join(workspaceRoot, 'apps/api/routes.json'));
 */
export function loadRoutes(file: string): Route[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new Error(`Cannot read the api routes from ${file}`, { cause });
  }
  return parseRoutes(json, file);
}
