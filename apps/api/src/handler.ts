import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import { secretsManagerCredentials } from '@serverless-app/db';
import type { Context } from 'aws-lambda';
import type { ApiConfig } from './config';
import { databaseFor } from './db';
import { features as appFeatures } from './features';
import { combined } from './http/combined';
import { correlationId, invocationLogger } from './http/correlation-id';
import { databaseContext } from './http/database-context';
import { httpErrorHandler } from './http/error-handler';
import type { HttpResponse } from './http/response';
import type { Feature, HttpEvent, RouteManifestEntry } from './http/route';
import { createRouter } from './http/router';
import { apiMetrics } from './observability/api-metrics';
import { clientStats } from './observability/client-stats';
import { routeManifest, routesOf } from './route-table';

/** The `service` of every log line. */
const SERVICE_NAME = 'serverless-app-api';

/** What {@link createHandler} needs; tests pass their own logger or features. */
export interface HandlerOptions {
  config: ApiConfig;
  logger?: Logger;
  /** The features served. @default the api's own (`features.ts`) */
  features?: readonly Feature[];
}

export type ApiHandler = ((event: HttpEvent, context: Context) => Promise<HttpResponse>) & {
  /** The routes served (method, path, auth), for tests and the local gateway. */
  routes: readonly RouteManifestEntry[];
  /** Closes the database connections and the Secrets Manager client (tests, local stack; Lambda never needs it). */
  dispose(): Promise<void>;
};

/**
 * Builds the Lambda handler: the api's metrics (EMF, summed over `METRICS_FLUSH_MS`),
 * Powertools logging with the Lambda context and the request id as correlation
 * id, one INFO line per request, `context.db()` for the routes (bounded by the
 * invocation's remaining time), the router over every feature's routes, and one
 * error middleware that maps every error to the HTTP contract. Call once per
 * execution environment.
 *
 * The DB secret is fetched here, during init, and cached; no request waits on
 * Secrets Manager once it is in hand (libs/db's `secretsManagerCredentials`:
 * refreshed in the background after `SECRET_CACHE_TTL_MS`, the last good one
 * kept while Secrets Manager fails, re-read at once only when the database
 * rejects the password).
 *
 * @example
 * export const handler = createHandler({ config: loadConfig() });
 */
export function createHandler(options: HandlerOptions): ApiHandler {
  const { config, features = appFeatures } = options;
  const logs = invocationLogger(options.logger ?? new Logger({ serviceName: SERVICE_NAME, logLevel: config.logLevel }));
  const { logger } = logs;
  const secret = secretsManagerCredentials({ secretId: config.secretId, ttlMs: config.secretCacheTtlMs, logger });
  void secret.prefetch(); // never rejects; a failure is answered 503 by the first request that needs the database
  const getDb = databaseFor(config, secret, logger);

  const metrics = apiMetrics({ stage: config.stage, routes: routeManifest(features), flushMs: config.metricsFlushMs, db: clientStats(getDb), secret: () => secret.liveCounters() });
  // No early timeout: the deadline is enforced where the waiting happens (databaseContext bounds every database
  // wait by the invocation's remaining time), so Middy need not arm and clear a timer per invocation.
  // One middleware made of four synchronous ones, in Middy's order as if each were `use`d in turn (metrics first,
  // so that they see the final answer): Middy awaits each middleware function it calls.
  const handler = middy<HttpEvent, HttpResponse>(createRouter(routesOf(features)), { timeoutEarlyInMillis: 0 }).use(
    combined(metrics, correlationId(logs, SERVICE_NAME), databaseContext(getDb), httpErrorHandler(logger)),
  );
  const dispose = async () => {
    metrics.flush();
    secret.dispose();
    await getDb().then((db) => db.close(), () => undefined);
  };
  return Object.assign(handler as unknown as ApiHandler, { routes: routeManifest(features), dispose });
}
