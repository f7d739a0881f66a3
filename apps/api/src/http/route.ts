import type { DbClient } from '@serverless-app/db';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { HttpResponse } from './response';

/** The event of an API Gateway REST API (v1) proxy integration: the only API this Lambda serves. */
export type HttpEvent = APIGatewayProxyEvent;

/** The methods a route may declare. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: `none` (public) or `iam` (API Gateway checks a SigV4
 * signature before the Lambda runs; `AuthorizationType.IAM`).
 */
export type RouteAuth = 'none' | 'iam';

/** What a route handler gets besides the event: the Lambda context and the request's database. */
export interface ApiContext extends Context {
  /**
   * The database for this invocation (set by the `databaseContext` middleware;
   * the connection pool behind it is shared by the execution environment).
   */
  db(): Promise<DbClient>;
}

/**
 * A route handler: a plain module-level function, built once.
 *
 * @example
 * const get: RouteHandler = async (event, { db }) => json(200, await service.getItem(await db(), parseId(event.pathParameters?.['id'], 'item')));
 */
export type RouteHandler = (event: HttpEvent, context: ApiContext) => Promise<HttpResponse>;

/** One route of a feature: what API Gateway creates, what the router dispatches, what the README lists. */
export interface Route {
  method: HttpMethod;
  /** `/`, or `/`-separated segments that are literals or one `{name}` parameter, e.g. `/items/{id}`. */
  path: string;
  auth: RouteAuth;
  /** One line for the README's route table, e.g. `read an item`. */
  summary: string;
  handler: RouteHandler;
}

/**
 * A feature: a name and the routes it serves. Each feature module exports
 * one; `features.ts` lists them all.
 *
 * @example
 * export const itemsFeature: Feature = {
 *   name: 'items',
 *   routes: [{ method: 'GET', path: '/items/{id}', auth: 'none', summary: 'read an item', handler: get }],
 * };
 */
export interface Feature {
  name: string;
  routes: readonly Route[];
}

/** A route as the infrastructure and the local gateway see it: no handler. */
export interface RouteManifestEntry {
  method: HttpMethod;
  path: string;
  auth: RouteAuth;
}
