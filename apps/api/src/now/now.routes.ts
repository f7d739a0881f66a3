import { json } from '../http/response';
import type { Feature, RouteHandler } from '../http/route';

/** `GET /`: the database's `NOW()` as a JSON string, proving the round trip Lambda → proxy → database. */
const now: RouteHandler = async (_event, { db }) => {
  // NOW() as text ('2026-11-26 20:12:55'): as cheap for the server as NOW() itself and no Date for the driver to
  // build; DATE_FORMAT cost a few microseconds more per request (the `warm` bench section).
  const [row] = await (await db()).query<{ now: string }>('SELECT CAST(NOW() AS CHAR) AS now');
  return json(200, row?.now.replace(' ', 'T'));
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
