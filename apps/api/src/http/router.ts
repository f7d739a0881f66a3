import type { Context } from 'aws-lambda';
import { callerOf } from './caller';
import { HttpError } from './http-error';
import type { HttpResponse } from './response';
import type { ApiContext, HttpEvent, Route } from './route';

/** The routes of one path template, by method, with the `Allow` header for a 405. */
interface Resource {
  template: string;
  handlers: Map<string, Pick<Route, 'auth' | 'handler'>>;
  allow: string;
}

interface DynamicResource {
  pattern: RegExp;
  names: string[];
  resource: Resource;
}

const LITERAL = /^[A-Za-z0-9._~-]+$/;
const PARAMETER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const escape = (segment: string) => segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
const shown = (path: string) => (path.length > 100 ? `${path.slice(0, 100)}…` : path);

/** The parameter names of a template, checking its syntax; throws at cold start, never per request. */
function parameterNames(template: string): string[] {
  if (!template.startsWith('/')) throw new Error(`route path "${template}" must start with "/"`);
  if (template === '/') return [];
  return template
    .slice(1)
    .split('/')
    .flatMap((segment) => {
      const parameter = PARAMETER.exec(segment);
      if (parameter) return [parameter[1] as string];
      if (!LITERAL.test(segment)) throw new Error(`route path "${template}" has an invalid segment "${segment}"`);
      return [];
    });
}

/** One resource per path template; throws on a route declared twice. */
function resourcesOf(routes: readonly Route[]): Resource[] {
  const byTemplate = new Map<string, Resource>();
  for (const route of routes) {
    let resource = byTemplate.get(route.path);
    if (!resource) byTemplate.set(route.path, (resource = { template: route.path, handlers: new Map(), allow: '' }));
    if (resource.handlers.has(route.method)) throw new Error(`route ${route.method} ${route.path} is declared twice`);
    resource.handlers.set(route.method, { auth: route.auth, handler: route.handler });
    resource.allow = [...resource.handlers.keys()].join(', ');
  }
  return [...byTemplate.values()];
}

/**
 * Dispatches a REST API event to the route declared for its path and method.
 * Everything is compiled once: literal paths are one map lookup, templates one
 * precompiled regular expression each (tried only when no literal path
 * matches, as API Gateway prefers literal segments). A trailing slash is
 * ignored. A path with no route is 404 `route_not_found`; a known path with
 * another method is 405 with `Allow`; a route with `auth: 'iam'` called without
 * an IAM caller in `requestContext.identity` is 403 `missing_authentication`.
 * `{name}` values become `pathParameters`.
 *
 * @example
 * const router = createRouter([{ method: 'GET', path: '/items/{id}', auth: 'none', summary: 'read an item', handler: get }]);
 * await router(event, context);
 */
export function createRouter(routes: readonly Route[]): (event: HttpEvent, context: Context) => Promise<HttpResponse> {
  const literal = new Map<string, Resource>();
  const dynamic: DynamicResource[] = [];
  for (const resource of resourcesOf(routes)) {
    const names = parameterNames(resource.template);
    if (names.length === 0) {
      literal.set(resource.template, resource);
      continue;
    }
    const source = resource.template
      .split('/')
      .map((segment) => (PARAMETER.test(segment) ? '([^/]+)' : escape(segment)))
      .join('/');
    dynamic.push({ pattern: new RegExp(`^${source}$`), names, resource });
  }

  // Not `async`: an async function that returns the route's promise costs two more microtask turns per request.
  const dispatch = (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const raw = typeof event.path === 'string' ? event.path : '';
    const path = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
    let resource = literal.get(path);
    let parameters: Record<string, string> | undefined;
    if (!resource) {
      for (const candidate of dynamic) {
        const match = candidate.pattern.exec(path);
        if (!match) continue;
        resource = candidate.resource;
        parameters = {};
        for (let i = 0; i < candidate.names.length; i++) parameters[candidate.names[i] as string] = match[i + 1] as string;
        break;
      }
    }
    if (!resource) throw new HttpError(404, 'route_not_found', `no route for ${event.httpMethod} ${shown(raw)}`);
    const route = resource.handlers.get(event.httpMethod);
    if (!route) {
      throw new HttpError(405, 'method_not_allowed', `${event.httpMethod} is not allowed on ${shown(raw)}`, { headers: { allow: resource.allow } });
    }
    // API Gateway answers unsigned calls to AWS_IAM routes itself; this is the second lock, should a route ever be
    // deployed without its authoriser: no IAM caller in the event, no handler.
    if (route.auth === 'iam' && callerOf(event) === undefined) {
      throw new HttpError(403, 'missing_authentication', 'this route needs a request signed with AWS Signature Version 4 (IAM)');
    }
    if (parameters) event.pathParameters = { ...event.pathParameters, ...parameters };
    return route.handler(event, context as ApiContext);
  };
  return (event, context) => {
    try {
      return dispatch(event, context);
    } catch (err) {
      return Promise.reject(err);
    }
  };
}
