import type { MiddlewareObj } from '@middy/core';
import type { DbClient } from '@serverless-app/db';
import type { HttpResponse } from './response';
import type { ApiContext, HttpEvent } from './route';

/**
 * Gives every invocation its database: sets `context.db()`, which route
 * handlers call instead of holding a client of their own. This is the one
 * place where an invocation's database handle is made.
 *
 * @example
 * middy(router).use(databaseContext(getDb));
 * const get: RouteHandler = async (event, { db }) => json(200, await service.getItem(await db(), id));
 */
export function databaseContext(getDb: () => Promise<DbClient>): MiddlewareObj<HttpEvent, HttpResponse> {
  return {
    before: (request) => {
      (request.context as ApiContext).db = getDb;
    },
  };
}
