import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import routeTable from '../routes.json';
import type { ApiConfig } from './config';
import { databaseFor } from './db';
import { correlationId } from './http/correlation-id';
import { httpErrorHandler } from './http/error-handler';
import type { HttpResponse } from './http/response';
import { createRouter, type HttpEvent, type Route, stripStageFromHttpApiPath } from './http/router';
import { itemRoutes } from './items/items.routes';
import { healthRoute } from './routes/health.route';
import { nowRoute } from './routes/now.route';
import { secretWiring } from './secret';

/** What {@link createHandler} needs; tests pass their own logger and cache key. */
export interface HandlerOptions {
  config: ApiConfig;
  logger?: Logger;
  /** Middy's secret cache is module-global per key; one key per handler instance. @default 'db-secret' */
  secretCacheKey?: string;
}

export type ApiHandler = ((event: HttpEvent, context: Context) => Promise<HttpResponse>) & {
  /** The routes served, for tests and the local gateway. */
  routes: ReadonlyArray<Pick<Route, 'method' | 'path'>>;
  /** Closes the database connections and drops the secret cache (tests, local stack; Lambda never needs it). */
  dispose(): Promise<void>;
};

/**
 * Builds the Lambda handler: Powertools logging with the request id as
 * correlation id, the DB secret from Secrets Manager (cached, refreshed on
 * rotation), the router, and one error middleware that maps every error to
 * the HTTP contract. Call once per execution environment.
 *
 * @example
 * export const handler = createHandler({ config: loadConfig() });
 */
export function createHandler(options: HandlerOptions): ApiHandler {
  const { config } = options;
  const logger = options.logger ?? new Logger({ serviceName: 'serverless-app-api', logLevel: config.logLevel });
  const secret = secretWiring({ secretId: config.secretId, ttlMs: config.secretCacheTtlMs, cacheKey: options.secretCacheKey ?? 'db-secret' });
  const getDb = databaseFor(config, secret.credentials, logger);

  const routes: Route[] = [
    { method: 'GET', path: '/', handler: nowRoute(getDb) },
    { method: 'GET', path: '/health', handler: healthRoute(getDb) },
    ...itemRoutes(getDb),
  ];
  assertMatchesRouteTable(routes);

  const handler = middy<HttpEvent, HttpResponse>(createRouter(routes))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationId(logger))
    .use(stripStageFromHttpApiPath())
    .use(secret.middleware)
    .use(httpErrorHandler(logger));
  const dispose = async () => {
    secret.dispose();
    await getDb().then((db) => db.close(), () => undefined);
  };
  return Object.assign(handler as unknown as ApiHandler, { routes: routes.map(({ method, path }) => ({ method, path })), dispose });
}

/** routes.json is what the infrastructure creates; the code must serve exactly that. */
function assertMatchesRouteTable(routes: Route[]): void {
  const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
  const served = routes.map(key).sort().join('\n');
  const declared = routeTable.routes.map(key).sort().join('\n');
  if (served !== declared) throw new Error(`apps/api/routes.json does not match the routes served:\n${served}\nvs\n${declared}`);
}
