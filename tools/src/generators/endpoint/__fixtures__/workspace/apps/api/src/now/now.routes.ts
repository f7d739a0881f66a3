import { json } from '../http/response';
import type { Feature, RouteHandler } from '../http/route';

const now: RouteHandler = async () => json(200, '2026-11-26T20:12:55');

export const nowFeature: Feature = {
  name: 'now',
  routes: [{ method: 'GET', path: '/', auth: 'none', summary: "the database's `NOW()`", handler: now }],
};
