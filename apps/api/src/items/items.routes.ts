import { callerOf } from '../http/caller';
import { singleHeader } from '../http/headers';
import { jsonBody } from '../http/json-body';
import { singleValuedQuery } from '../http/query';
import { json, noContent } from '../http/response';
import type { Feature, HttpEvent, RouteHandler } from '../http/route';
import { IDEMPOTENCY_HEADER, idempotencyKeyOf, ListQuery, parseId, validate } from '../kit';
import { CreateItemBody, UpdateItemBody } from './item.schema';
import * as service from './items.service';

const idOf = (event: HttpEvent) => parseId(event.pathParameters?.['id'], 'item');

const create: RouteHandler = async (event, { db }) => {
  const input = validate(CreateItemBody, jsonBody(event), 'invalid item');
  const key = idempotencyKeyOf(singleHeader(event, IDEMPOTENCY_HEADER));
  const { value: item, replayed } = await service.createItem(await db(), input, key, callerOf(event));
  const headers: Record<string, string> = { location: `/${event.requestContext.stage}/items/${item.id}` };
  if (replayed) headers['idempotent-replayed'] = 'true';
  return json(201, item, headers);
};

const list: RouteHandler = async (event, { db }) => {
  const query = validate(ListQuery, singleValuedQuery(event), 'invalid query string');
  return json(200, await service.listItems(await db(), query));
};

const get: RouteHandler = async (event, { db }) => json(200, await service.getItem(await db(), idOf(event)));

const update: RouteHandler = async (event, { db }) => {
  const body = jsonBody(event);
  const id = idOf(event);
  const changes = validate(UpdateItemBody, body, 'invalid item');
  return json(200, await service.updateItem(await db(), id, changes));
};

const remove: RouteHandler = async (event, { db }) => {
  await service.deleteItem(await db(), idOf(event));
  return noContent();
};

/** `/items`: the example resource. Input is validated here, at the edge; the service holds the rules. */
export const itemsFeature: Feature = {
  name: 'items',
  routes: [
    { method: 'GET', path: '/items', auth: 'iam', summary: 'items in id order: `?limit=` 1–100 (default 20), `?cursor=` from `nextCursor`', handler: list },
    { method: 'POST', path: '/items', auth: 'iam', summary: 'create `{ name, description? }`; an `Idempotency-Key` header makes retries create exactly one', handler: create },
    { method: 'GET', path: '/items/{id}', auth: 'iam', summary: 'read an item', handler: get },
    { method: 'PATCH', path: '/items/{id}', auth: 'iam', summary: 'change some fields (`description: null` clears it)', handler: update },
    { method: 'DELETE', path: '/items/{id}', auth: 'iam', summary: 'delete an item', handler: remove },
  ],
};
