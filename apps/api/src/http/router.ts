import type { MiddlewareObj } from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { HttpError } from './http-error';
import type { HttpResponse } from './response';

export type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

/** A route: method, path template (`/items/{id}`) and handler. */
export interface Route {
  method: HttpMethod;
  path: string;
  handler: RouteHandler;
}

const escape = (segment: string) => segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
const templateToRegExp = (path: string) =>
  new RegExp(`^${path.split('/').map((segment) => (/^\{[^/]+\}$/.test(segment) ? '[^/]+' : escape(segment))).join('/')}/?$`);

const shown = (path: string) => (path.length > 100 ? `${path.slice(0, 100)}…` : path);

/**
 * Dispatches to the route matching the method and path (Middy's router), and
 * answers 405 with `Allow` when the path exists under other methods, 404 when
 * it does not exist at all.
 *
 * @example
 * const router = createRouter([{ method: 'GET', path: '/items/{id}', handler: getItem }]);
 */
export function createRouter(routes: readonly Route[]) {
  const templates = routes.map((r) => ({ method: r.method, regexp: templateToRegExp(r.path) }));
  const handler = httpRouterHandler({
    routes: routes.map((r) => ({ method: r.method, path: r.path, handler: r.handler })),
    notFoundResponse: ({ method, path }: { method: string; path: string }) => {
      const allowed = [...new Set(templates.filter((t) => t.regexp.test(path)).map((t) => t.method))];
      if (allowed.length > 0) {
        throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${shown(path)}`, { headers: { allow: allowed.join(', ') } });
      }
      throw new HttpError(404, 'route_not_found', `no route for ${method} ${shown(path)}`);
    },
  });
  return handler as unknown as (event: HttpEvent, context: Context) => Promise<HttpResponse>;
}

/**
 * HTTP API (v2) events carry the stage in the path (`/dev/items`); REST (v1)
 * events do not. Strips it so one route table serves both.
 */
export function stripStageFromHttpApiPath(): MiddlewareObj<HttpEvent> {
  return {
    before: ({ event }) => {
      if (!('version' in event) || event.version !== '2.0') return;
      const { stage, http } = event.requestContext;
      const prefix = `/${stage}`;
      if (stage !== '$default' && (http.path === prefix || http.path.startsWith(`${prefix}/`))) {
        http.path = http.path.slice(prefix.length) || '/';
      }
    },
  };
}
