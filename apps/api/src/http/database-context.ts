import type { MiddlewareObj } from '@middy/core';
import type { DbClient } from '@serverless-app/db';
import type { HttpResponse } from './response';
import type { ApiContext, HttpEvent } from './route';

/**
 * Time kept back from the invocation's remaining time, so that an answer
 * (a 503 at worst) is written before Lambda stops the invocation.
 */
export const DEADLINE_MARGIN_MS = 500;

/**
 * Gives every invocation its database: sets `context.db()`, which route
 * handlers call instead of holding a client of their own. This is the one
 * place where an invocation's database handle is made: the shared client,
 * with every wait of every call (connection, retries, statements,
 * transactions) bounded by the invocation's remaining time minus
 * {@link DEADLINE_MARGIN_MS}.
 *
 * @example
 * middy(router).use(databaseContext(getDb));
 * const get: RouteHandler = async (event, { db }) => json(200, await service.getItem(await db(), id));
 */
export function databaseContext(getDb: () => Promise<DbClient>, marginMs = DEADLINE_MARGIN_MS): MiddlewareObj<HttpEvent, HttpResponse> {
  /** The shared client once it is made: warm invocations bind it without waiting on getDb's promise. */
  let made: DbClient | undefined;
  const bind = (db: DbClient, deadline: number) => {
    made = db;
    return db.withDeadline(deadline);
  };
  return {
    before: (request) => {
      const context = request.context as ApiContext;
      const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.NaN;
      if (!Number.isFinite(remaining)) {
        context.db = getDb;
        return;
      }
      const deadline = Date.now() + remaining - marginMs;
      let bound: Promise<DbClient> | undefined;
      context.db = () => (bound ??= made ? Promise.resolve(made.withDeadline(deadline)) : getDb().then((db) => bind(db, deadline)));
    },
  };
}
