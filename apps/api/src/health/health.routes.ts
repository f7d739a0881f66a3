import { DatabaseError } from '@serverless-app/db';
import { json } from '../http/response';
import type { Feature, RouteHandler } from '../http/route';

/** Seconds a client should wait before asking again while the database is down. */
const RETRY_AFTER_SECONDS = '5';

/** `GET /health`: whether the database answers, and how fast; 503 with `Retry-After` when it does not (after libs/db's bounded retries). */
const health: RouteHandler = async (_event, { db }) => {
  const started = performance.now();
  try {
    await (await db()).query('SELECT 1', [], { timeoutMs: 2_000 });
    return json(200, { status: 'ok', database: { status: 'up', latencyMs: Math.round(performance.now() - started) } });
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error;
    return json(503, { status: 'unavailable', database: { status: 'down' } }, { 'retry-after': RETRY_AFTER_SECONDS });
  }
};

/**
 * Health of the api and its database, without internal names.
 *
 * @example
 * // {"status":"ok","database":{"status":"up","latencyMs":2}}  or  503 {"status":"unavailable","database":{"status":"down"}}
 */
export const healthFeature: Feature = {
  name: 'health',
  routes: [{ method: 'GET', path: '/health', auth: 'none', summary: 'database reachability and latency: 200, or 503 with `Retry-After`', handler: health }],
};
