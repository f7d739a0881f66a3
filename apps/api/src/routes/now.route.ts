import type { DbClient } from '@serverless-app/db';
import { json } from '../http/response';
import type { RouteHandler } from '../http/router';

/**
 * `GET /`: the workshop's endpoint. Answers the database's `NOW()` as a JSON
 * string, proving the round trip Lambda → proxy → database.
 *
 * @example
 * // curl https://<api>/dev/  →  "2026-11-26T20:12:55"
 */
export const nowRoute =
  (getDb: () => Promise<DbClient>): RouteHandler =>
  async () => {
    const db = await getDb();
    const [row] = await db.query<{ now: string }>("SELECT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%s') AS now");
    return json(200, row?.now);
  };
