import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ApiConfig } from './config';
import { databaseFor } from './db';
import { features as appFeatures } from './features';
import { correlationId } from './http/correlation-id';
import { databaseContext } from './http/database-context';
import { httpErrorHandler } from './http/error-handler';
import type { HttpResponse } from './http/response';
import type { Feature, HttpEvent, RouteManifestEntry } from './http/route';
import { createRouter } from './http/router';
import { routeManifest, routesOf } from './route-table';
import { secretWiring } from './secret';

/** What {@link createHandler} needs; tests pass their own logger, cache key or features. */
export interface HandlerOptions {
  config: ApiConfig;
  logger?: Logger;
  /** Middy's secret cache is module-global per key; one key per handler instance. @default 'db-secret' */
  secretCacheKey?: string;
  /** The features served. @default the api's own (`features.ts`) */
  features?: readonly Feature[];
}

export type ApiHandler = ((event: HttpEvent, context: Context) => Promise<HttpResponse>) & {
  /** The routes served (method, path, auth), for tests and the local gateway. */
  routes: readonly RouteManifestEntry[];
  /** Closes the database connections and drops the secret cache (tests, local stack; Lambda never needs it). */
  dispose(): Promise<void>;
};

/**
 * Builds the Lambda handler: Powertools logging with the request id as
 * correlation id, the DB secret from Secrets Manager (cached, refreshed on
 * rotation), `context.db()` for the routes, the router over every feature's
 * routes, and one error middleware that maps every error to the HTTP contract.
 * Call once per execution environment.
 *
 * @example
 * export const handler = createHandler({ config: loadConfig() });
 */
export function createHandler(options: HandlerOptions): ApiHandler {
  const { config, features = appFeatures } = options;
  const logger = options.logger ?? new Logger({ serviceName: 'serverless-app-api', logLevel: config.logLevel });
  const secret = secretWiring({ secretId: config.secretId, ttlMs: config.secretCacheTtlMs, cacheKey: options.secretCacheKey ?? 'db-secret' });
  const getDb = databaseFor(config, secret.credentials, logger);

  const handler = middy<HttpEvent, HttpResponse>(createRouter(routesOf(features)))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationId(logger))
    .use(secret.middleware)
    .use(databaseContext(getDb))
    .use(httpErrorHandler(logger));
  const dispose = async () => {
    secret.dispose();
    await getDb().then((db) => db.close(), () => undefined);
  };
  return Object.assign(handler as unknown as ApiHandler, { routes: routeManifest(features), dispose });
}
