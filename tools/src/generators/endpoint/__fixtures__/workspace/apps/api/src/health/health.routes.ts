import { json } from '../http/response';
import type { Feature, RouteHandler } from '../http/route';

const health: RouteHandler = async () => json(200, { status: 'ok' });

export const healthFeature: Feature = {
  name: 'health',
  routes: [{ method: 'GET', path: '/health', auth: 'none', summary: 'database reachability', handler: health }],
};
