import middy from '@middy/core';
import type { DbClient } from '@serverless-app/db';
import { header } from '../http/headers';
import { jsonBody } from '../http/json-body';
import { singleValuedQuery } from '../http/query';
import { json, noContent } from '../http/response';
import type { HttpEvent, Route, RouteHandler } from '../http/router';
import { validate } from '../http/validate';
import { CreateItemBody, IdempotencyKey, ItemId, ListItemsQuery, UpdateItemBody } from './item.schema';
import * as items from './items.service';

const idOf = (event: HttpEvent) => validate(ItemId, event.pathParameters?.['id'], 'invalid item id', 'id');
const stageOf = (event: HttpEvent) => event.requestContext.stage;

/**
 * The `/items` routes: input validated at the edge, then the service. Only the
 * routes that take a body parse one.
 *
 * @example
 * createRouter([...itemRoutes(getDb)]);
 */
export function itemRoutes(getDb: () => Promise<DbClient>): Route[] {
  const create: RouteHandler = async (event) => {
    const input = validate(CreateItemBody, event.body as unknown, 'invalid item');
    const rawKey = header(event.headers, 'idempotency-key');
    const key = rawKey === undefined ? undefined : validate(IdempotencyKey, rawKey, 'invalid Idempotency-Key header', 'Idempotency-Key');
    const { item, replayed } = await items.createItem(await getDb(), input, key);
    const headers: Record<string, string> = { location: `/${stageOf(event)}/items/${item.id}` };
    if (replayed) headers['idempotent-replayed'] = 'true';
    return json(201, item, headers);
  };
  const list: RouteHandler = async (event) => {
    const query = validate(ListItemsQuery, singleValuedQuery(event), 'invalid query string');
    return json(200, await items.listItems(await getDb(), query.limit, query.cursor));
  };
  const get: RouteHandler = async (event) => json(200, await items.getItem(await getDb(), idOf(event)));
  const update: RouteHandler = async (event) => {
    const id = idOf(event);
    const changes = validate(UpdateItemBody, event.body as unknown, 'invalid item');
    return json(200, await items.updateItem(await getDb(), id, changes));
  };
  const remove: RouteHandler = async (event) => {
    await items.deleteItem(await getDb(), idOf(event));
    return noContent();
  };
  const withBody = (handler: RouteHandler) => middy(handler).use(jsonBody()) as unknown as RouteHandler;
  return [
    { method: 'GET', path: '/items', handler: list },
    { method: 'POST', path: '/items', handler: withBody(create) },
    { method: 'GET', path: '/items/{id}', handler: get },
    { method: 'PATCH', path: '/items/{id}', handler: withBody(update) },
    { method: 'DELETE', path: '/items/{id}', handler: remove },
  ];
}

