import type { DbClient } from '@serverless-app/db';
import { type CreateOutcome, idempotentCreate, isoString, mustFind, notFound, type Page, pageById } from '../kit';
import { type Item, toItem } from './item';
import type { CreateItemInput, UpdateItemInput } from './item.schema';
import * as repo from './items.repository';

/**
 * Creates an item, from what it inserted (no read back). With an idempotency
 * key, a retry (same key, same body) gets the item created the first time,
 * even after it was deleted; the same key with another body is a conflict.
 * Keys are the caller's own: another caller's same key is another key.
 *
 * @example
 * const { value: item, replayed } = await createItem(db, { name: 'first' }, 'key-1', 'arn:aws:iam::123456789012:user/alice');
 */
export function createItem(db: DbClient, input: CreateItemInput, idempotencyKey?: string, caller?: string): Promise<CreateOutcome<Item>> {
  const description = input.description ?? null;
  return idempotentCreate(db, {
    scope: 'items',
    key: idempotencyKey,
    owner: caller,
    request: [input.name, description],
    create: async (tx) => {
      const now = new Date();
      const id = await repo.insertItem(tx, { name: input.name, description, now });
      return { id, name: input.name, description, createdAt: isoString(now), updatedAt: isoString(now) };
    },
  });
}

export async function getItem(db: DbClient, id: number): Promise<Item> {
  return toItem(mustFind(await repo.findItem(db, id), 'item', id));
}

/** One page of items in id order, and the cursor of the next page (null on the last). */
export function listItems(db: DbClient, query: { limit: number; cursor?: string | undefined }): Promise<Page<Item>> {
  return pageById((afterId, limit) => repo.listItems(db, afterId, limit), query, toItem);
}

export async function updateItem(db: DbClient, id: number, changes: UpdateItemInput): Promise<Item> {
  return db.transaction(async (tx) => {
    if (!(await repo.updateItem(tx, id, changes, new Date()))) throw notFound('item', id);
    return toItem(mustFind(await repo.findItem(tx, id), 'item', id));
  });
}

export async function deleteItem(db: DbClient, id: number): Promise<void> {
  if (!(await repo.deleteItem(db, id))) throw notFound('item', id);
}
