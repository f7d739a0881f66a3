/**
 * Resource matching as API Gateway REST does it for explicit resources: per segment a literal
 * beats `{name}`, which beats a greedy `{name+}`; values are the raw (still percent-encoded)
 * segments, like `pathParameters.proxy` in a live capture.
 */
import type { GatewayAuth, GatewayRoute } from './types';

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  method: string;
  template: string;
  auth: GatewayAuth;
  segments: Segment[];
}

/** The resource a request reached, its path parameters and who may call it. */
export interface ResourceMatch {
  resource: string;
  pathParameters: Record<string, string> | null;
  /** The matched method's authorization; the catch-all and the root are public, as deployed. */
  auth: GatewayAuth;
}

/** The catch-all resource the deployed API has, so the Lambda itself answers unknown routes. */
export const PROXY_RESOURCE = '/{proxy+}';

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

function compileSegment(part: string, isLast: boolean, template: string): Segment {
  const param = /^\{([A-Za-z0-9._-]+)(\+?)\}$/.exec(part);
  if (!param) {
    if (part === '' || /[{}]/.test(part)) throw new TypeError(`Invalid segment "${part}" in route "${template}"`);
    return { kind: 'literal', text: part };
  }
  const name = param[1] ?? '';
  if (param[2] !== '+') return { kind: 'param', name };
  if (!isLast) throw new TypeError(`A greedy parameter must be the last segment, in route "${template}"`);
  return { kind: 'greedy', name };
}

function compile(route: GatewayRoute): CompiledRoute {
  const method = route.method.trim().toUpperCase();
  if (!method) throw new TypeError(`Route "${route.path}" has no method`);
  if (!route.path.startsWith('/')) throw new TypeError(`Route path must start with "/", got "${route.path}"`);
  const parts = route.path === '/' ? [] : route.path.slice(1).split('/');
  const segments = parts.map((part, i) => compileSegment(part, i === parts.length - 1, route.path));
  const auth = route.auth ?? 'none';
  if (auth !== 'none' && auth !== 'iam') throw new TypeError(`Route "${route.path}" has auth "${String(auth)}"; expected "none" or "iam"`);
  return { method, template: route.path, auth, segments };
}

function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '/' ? [] : trimmed.slice(1).split('/');
}

function matchSegments(segments: Segment[], parts: string[]): Map<string, string> | null {
  const values = new Map<string, string>();
  for (const [i, segment] of segments.entries()) {
    const part = parts[i];
    if (part === undefined) return null;
    if (segment.kind === 'greedy') {
      values.set(segment.name, parts.slice(i).join('/'));
      return values;
    }
    if (segment.kind === 'literal' ? part !== segment.text : part === '') return null;
    if (segment.kind === 'param') values.set(segment.name, part);
  }
  return segments.length === parts.length ? values : null;
}

/** A shorter template has nothing at `i`, which sorts before any segment (exact length matched anyway). */
function rankAt(route: CompiledRoute, i: number): number {
  const segment = route.segments[i];
  return segment ? RANK[segment.kind] : -1;
}

/** Negative when `a` is the more specific template. */
function compareSpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const rankA = rankAt(a, i);
    const rankB = rankAt(b, i);
    if (rankA !== rankB) return rankA - rankB;
  }
  return 0;
}

/**
 * Compiles route templates once and returns a matcher. Invalid templates throw at once.
 *
 * @example
 * const match = createRouteMatcher([{ method: 'GET', path: '/items/{id}' }]);
 * match('GET', '/items/42'); // { resource: '/items/{id}', pathParameters: { id: '42' }, auth: 'none' }
 * match('PUT', '/x/y');      // { resource: '/{proxy+}', pathParameters: { proxy: 'x/y' }, auth: 'none' }
 */
export function createRouteMatcher(routes: readonly GatewayRoute[]): (method: string, path: string) => ResourceMatch {
  const compiled = routes.map(compile);
  return (method, path) => {
    const parts = splitPath(path);
    const wanted = method.toUpperCase();
    let best: { route: CompiledRoute; values: Map<string, string> } | undefined;
    for (const route of compiled) {
      if (route.method !== 'ANY' && route.method !== wanted) continue;
      const values = matchSegments(route.segments, parts);
      if (values && (!best || compareSpecificity(route, best.route) < 0)) best = { route, values };
    }
    if (best) {
      return {
        resource: best.route.template,
        pathParameters: best.values.size > 0 ? Object.fromEntries(best.values) : null,
        auth: best.route.auth,
      };
    }
    if (parts.length === 0) return { resource: '/', pathParameters: null, auth: 'none' };
    return { resource: PROXY_RESOURCE, pathParameters: { proxy: parts.join('/') }, auth: 'none' };
  };
}
