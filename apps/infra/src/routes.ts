import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The methods a route of the api may declare. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** An HTTP method of {@link HTTP_METHODS}. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Who may call a route: `none` (public) or `iam` (a SigV4 signature that API Gateway checks). */
export const ROUTE_AUTH = ['none', 'iam'] as const;

/** A value of {@link ROUTE_AUTH}. */
export type RouteAuth = (typeof ROUTE_AUTH)[number];

/** One route the api Lambda serves, as its route manifest (`routes.json` in the build output) declares it. */
export interface Route {
  method: HttpMethod;
  /** `/`, or segments that are literals or `{name}` path parameters, e.g. `/items/{id}`. */
  path: string;
  auth: RouteAuth;
}

/** The file of the api build output that holds the route manifest. */
export const ROUTE_MANIFEST = 'routes.json';

/** One segment of a route path. */
export interface PathSegment {
  text: string;
  /** `{name}`: matches any one segment. */
  parameter: boolean;
}

const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAMETER_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/**
 * The segments of a route path — the one parser of paths here: validation and the API Gateway resources both
 * use it. Throws on anything but `/` or `/`-separated literals and `{name}` parameters.
 *
 * @example
 * parsePath('/items/{id}'); // [{ text: 'items', parameter: false }, { text: '{id}', parameter: true }]
 */
export function parsePath(path: unknown): PathSegment[] {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new Error(`path must be a string starting with "/", got ${JSON.stringify(path)}`);
  if (path === '/') return [];
  return path
    .slice(1)
    .split('/')
    .map((text) => {
      if (PARAMETER_SEGMENT.test(text)) return { text, parameter: true };
      if (LITERAL_SEGMENT.test(text)) return { text, parameter: false };
      throw new Error(`path "${path}" has an invalid segment "${text}" (a literal, or a {name} parameter; greedy {name+} paths are added by the infrastructure)`);
    });
}

const joinSegments = (segments: readonly PathSegment[]) => `/${segments.map((s) => s.text).join('/')}`;

/** One API Gateway resource the routes need, with the routes declared on it. */
export interface ResourceNode {
  path: string;
  routes: Route[];
  /** Whether a `{parameter}` child already catches any next segment (else a greedy `{proxy+}` does). */
  hasParameterChild: boolean;
}

/**
 * Every resource the routes need, parents included (`/items/{id}` needs `/`, `/items` and `/items/{id}`), in
 * path order, each with its routes.
 *
 * @example
 * resourceNodes([{ method: 'GET', path: '/items/{id}', auth: 'none' }]).map((n) => n.path); // ['/', '/items', '/items/{id}']
 */
export function resourceNodes(routes: readonly Route[]): ResourceNode[] {
  const nodes = new Map<string, ResourceNode>([['/', { path: '/', routes: [], hasParameterChild: false }]]);
  for (const route of routes) {
    const segments = parsePath(route.path);
    segments.forEach((segment, i) => {
      const path = joinSegments(segments.slice(0, i + 1));
      if (!nodes.has(path)) nodes.set(path, { path, routes: [], hasParameterChild: false });
      if (segment.parameter) (nodes.get(joinSegments(segments.slice(0, i))) as ResourceNode).hasParameterChild = true;
    });
    (nodes.get(route.path) as ResourceNode).routes.push(route);
  }
  return [...nodes.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function invalid(source: string, message: string): Error {
  return new Error(`${source}: ${message}`);
}

/** API Gateway allows one path parameter per level: `/items/{id}` and `/items/{key}` cannot both exist. */
function checkOneParameterPerLevel(source: string, routes: readonly Route[]): void {
  const parameterAt = new Map<string, string>();
  for (const { path } of routes) {
    const segments = parsePath(path);
    segments.forEach((segment, i) => {
      if (!segment.parameter) return;
      const parent = joinSegments(segments.slice(0, i));
      const existing = parameterAt.get(parent);
      if (existing !== undefined && existing !== segment.text) {
        throw invalid(source, `paths under "${parent}" use two different parameters, ${existing} and ${segment.text}; API Gateway allows one per level`);
      }
      parameterAt.set(parent, segment.text);
    });
  }
}

/**
 * Validates a route manifest (`{ routes: [{ method, path, auth }] }`), failing with a message that names the
 * source and the bad entry.
 *
 * @example
 * parseRouteManifest({ routes: [{ method: 'GET', path: '/items/{id}', auth: 'none' }] });
 */
export function parseRouteManifest(json: unknown, source = ROUTE_MANIFEST): Route[] {
  const list = (json as { routes?: unknown } | null)?.routes;
  if (!Array.isArray(list) || list.length === 0) throw invalid(source, 'expected { "routes": [ { "method", "path", "auth" }, ... ] } with at least one route');
  const seen = new Set<string>();
  const routes = list.map((entry: unknown): Route => {
    const { method, path, auth } = (entry ?? {}) as { method?: unknown; path?: unknown; auth?: unknown };
    if (!HTTP_METHODS.includes(method as HttpMethod)) throw invalid(source, `method must be one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
    if (!ROUTE_AUTH.includes(auth as RouteAuth)) throw invalid(source, `auth of ${String(method)} ${String(path)} must be one of ${ROUTE_AUTH.join(', ')}, got ${JSON.stringify(auth)}`);
    try {
      parsePath(path);
    } catch (error) {
      throw invalid(source, (error as Error).message);
    }
    const route = { method: method as HttpMethod, path: path as string, auth: auth as RouteAuth };
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw invalid(source, `duplicate route ${key}`);
    seen.add(key);
    return route;
  });
  checkOneParameterPerLevel(source, routes);
  return routes;
}

/**
 * Reads and validates a route manifest file.
 *
 * @example
 * const routes = loadRouteManifest('/tmp/routes.json');
 */
export function loadRouteManifest(file: string): Route[] {
  return parseRouteManifest(readApiManifest(file), file);
}

/**
 * The JSON of a route manifest file (routes and the api's metrics contract), unvalidated; fails naming the file
 * and the command that writes it.
 *
 * @example
 * const json = readApiManifest('/tmp/routes.json');
 */
export function readApiManifest(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new Error(`Cannot read the api routes from ${file}; \`npx nx run api:build\` writes them (nx run infra:synth does)`, { cause });
  }
}

/**
 * The routes of an api build output: its `routes.json`, written by `api:build` from the api's route table.
 *
 * @example
 * const routes = apiRoutes(join(workspaceRoot, 'dist/apps/api'));
 */
export function apiRoutes(apiAssetDir: string): Route[] {
  return loadRouteManifest(join(apiAssetDir, ROUTE_MANIFEST));
}
