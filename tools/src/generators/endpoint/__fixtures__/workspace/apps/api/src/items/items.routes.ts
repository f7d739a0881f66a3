import { json } from '../http/response';
import type { Feature, RouteHandler } from '../http/route';

const list: RouteHandler = async () => json(200, { items: [], nextCursor: null });
const create: RouteHandler = async () => json(201, {});
const get: RouteHandler = async () => json(200, {});

export const itemsFeature: Feature = {
  name: 'items',
  routes: [
    { method: 'GET', path: '/items', auth: 'none', summary: 'items in id order', handler: list },
    { method: 'POST', path: '/items', auth: 'none', summary: 'create an item', handler: create },
    { method: 'GET', path: '/items/{id}', auth: 'none', summary: 'read an item', handler: get },
  ],
};
