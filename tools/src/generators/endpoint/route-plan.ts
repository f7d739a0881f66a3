import type { EndpointNames } from './names';

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];
/** The methods whose single route takes a JSON body. */
export const BODY_METHODS: readonly Method[] = ['POST', 'PUT', 'PATCH'];

/** Who may call the routes: `none` (public) or `iam` (SigV4, checked by API Gateway), as `Route['auth']` in apps/api. */
export const AUTHS = ['none', 'iam'] as const;
export type Auth = (typeof AUTHS)[number];

/** One route of the generated feature: what its module declares and what README's table lists. */
export interface PlannedRoute {
  method: Method;
  path: string;
  auth: Auth;
  /** README's "what it does". */
  summary: string;
  /** The module-level handler that serves it. */
  handler: string;
}

/** The handler of a single route, by method (named as in items.routes.ts). */
const HANDLERS: Record<Method, string> = { GET: 'get', POST: 'create', PUT: 'put', PATCH: 'update', DELETE: 'remove' };

/**
 * The five routes of a CRUD feature, in the order and with the summaries of `/items`.
 *
 * @example
 * crudRoutes(endpointNames('orders'), 'none')[2]; // { method: 'GET', path: '/orders/{id}', auth: 'none', summary: 'read an order', handler: 'get' }
 */
export function crudRoutes(names: EndpointNames, auth: Auth): PlannedRoute[] {
  const { name, words, singularWithArticle } = names;
  return [
    { method: 'GET', path: `/${name}`, auth, summary: `${words} in id order: \`?limit=\` 1–100 (default 20), \`?cursor=\` from \`nextCursor\``, handler: 'list' },
    { method: 'POST', path: `/${name}`, auth, summary: 'create `{ name, description? }`; an `Idempotency-Key` header makes retries create exactly one', handler: 'create' },
    { method: 'GET', path: `/${name}/{id}`, auth, summary: `read ${singularWithArticle}`, handler: 'get' },
    { method: 'PATCH', path: `/${name}/{id}`, auth, summary: 'change some fields (`description: null` clears it)', handler: 'update' },
    { method: 'DELETE', path: `/${name}/{id}`, auth, summary: `delete ${singularWithArticle}`, handler: 'remove' },
  ];
}

/**
 * The one route of a single-route feature, its summary saying what the generated placeholder does.
 *
 * @example
 * singleRoute({ names: endpointNames('reports'), method: 'GET', path: '/reports/{day}', auth: 'none', table: false }).summary;
 * // "the database's clock, UTC (a placeholder to replace)"
 */
export function singleRoute(route: { names: EndpointNames; method: Method; path: string; auth: Auth; table: boolean }): PlannedRoute {
  const { names, method, path, auth, table } = route;
  const hasBody = BODY_METHODS.includes(method);
  let summary: string;
  if (!table) summary = hasBody ? "`{ name }` with the database's clock, UTC (a placeholder to replace)" : "the database's clock, UTC (a placeholder to replace)";
  else if (method === 'POST') summary = 'store `{ name }`; an `Idempotency-Key` header makes retries store exactly one';
  else if (hasBody) summary = 'store `{ name }`';
  else summary = `how many rows \`${names.table}\` holds (a placeholder to replace)`;
  return { method, path, auth, summary, handler: HANDLERS[method] };
}

/**
 * A TypeScript string literal: single-quoted unless the text has a single quote.
 *
 * @example
 * tsString("read an order"); // "'read an order'"
 * tsString("the database's clock"); // '"the database\'s clock"'
 */
export function tsString(text: string): string {
  const json = JSON.stringify(text);
  return text.includes("'") ? json : `'${json.slice(1, -1).replace(/\\"/g, '"')}'`;
}
