import { DatabaseError, type DbClient } from '@serverless-app/db';
import { json } from '../http/response';
import type { RouteHandler } from '../http/router';

/**
 * `GET /health`: whether the database answers, and how fast. 200 when it does,
 * 503 with `Retry-After` when it does not (after libs/db's bounded retries).
 *
 * @example
 * // {"status":"ok","database":{"status":"up","latencyMs":2}}
 */
export const healthRoute =
  (getDb: () => Promise<DbClient>): RouteHandler =>
  async () => {
    const started = performance.now();
    try {
      const db = await getDb();
      await db.query('SELECT 1', [], { timeoutMs: 2_000 });
      return json(200, { status: 'ok', database: { status: 'up', latencyMs: Math.round(performance.now() - started) } });
    } catch (error) {
      if (!(error instanceof DatabaseError)) throw error;
      return json(503, { status: 'unavailable', database: { status: 'down', error: error.name } }, { 'retry-after': '5' });
    }
  };
