import { createHash } from 'node:crypto';
import { DuplicateEntryError, type DbClient, StatementOutcomeUnknownError } from '@serverless-app/db';
import { HttpError, notFound } from '../http/http-error';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { type Item, type ItemRow, toItem } from './item';
import type { CreateItemInput, UpdateItemInput } from './item.schema';
import * as repo from './items.repository';

const IDEMPOTENCY_INDEX = 'uq_items_idempotency_key';

const requestHash = (input: CreateItemInput) =>
  createHash('sha256').update(JSON.stringify([input.name, input.description ?? null])).digest('hex');

/** A create answered from an earlier request with the same key, or a conflict if the body differs. */
function replay(row: ItemRow, hash: string): { item: Item; replayed: true } {
  if (row.request_hash !== hash) {
    throw new HttpError(409, 'idempotency_key_reused', 'this Idempotency-Key was used with a different body');
  }
  return { item: toItem(row), replayed: true };
}

async function mustFind(db: DbClient, id: number): Promise<ItemRow> {
  const row = await repo.findItem(db, id);
  if (!row) throw notFound(`item ${id} does not exist`);
  return row;
}

/**
 * Creates an item. With an idempotency key, a retried request (same key, same
 * body) returns the item created the first time instead of a second one — also
 * when the first attempt's outcome was unknown (connection lost mid-insert).
 *
 * @example
 * const { item, replayed } = await createItem(db, { name: 'first' }, 'key-1');
 */
export async function createItem(db: DbClient, input: CreateItemInput, idempotencyKey?: string): Promise<{ item: Item; replayed: boolean }> {
  const hash = requestHash(input);
  if (idempotencyKey) {
    const earlier = await repo.findItemByIdempotencyKey(db, idempotencyKey);
    if (earlier) return replay(earlier, hash);
  }
  const insert = () =>
    repo.insertItem(db, {
      name: input.name,
      description: input.description ?? null,
      idempotencyKey: idempotencyKey ?? null,
      requestHash: idempotencyKey ? hash : null,
      now: new Date(),
    });
  let id: number | undefined;
  for (let attempt = 1; id === undefined; attempt++) {
    try {
      id = await insert();
    } catch (error) {
      if (!idempotencyKey) throw error;
      if (error instanceof DuplicateEntryError && error.key === IDEMPOTENCY_INDEX) {
        // A concurrent request with the same key won the race, or an earlier attempt of ours landed late.
        return replay(await mustFindByKey(db, idempotencyKey), hash);
      }
      if (!(error instanceof StatementOutcomeUnknownError) || attempt >= 3) throw error;
      // The key makes the unknown outcome knowable: look, and insert again only if it did not happen.
      // A lost attempt that commits after this look surfaces as a duplicate key on the next insert.
      const landed = await repo.findItemByIdempotencyKey(db, idempotencyKey);
      if (landed) return replay(landed, hash);
    }
  }
  return { item: toItem(await mustFind(db, id)), replayed: false };
}

async function mustFindByKey(db: DbClient, key: string): Promise<ItemRow> {
  const row = await repo.findItemByIdempotencyKey(db, key);
  if (!row) throw new HttpError(409, 'conflict', 'a concurrent request with this Idempotency-Key did not complete; retry');
  return row;
}

export async function getItem(db: DbClient, id: number): Promise<Item> {
  return toItem(await mustFind(db, id));
}

/** One page of items in id order, and the cursor of the next page (null on the last). */
export async function listItems(db: DbClient, limit: number, cursor?: string): Promise<{ items: Item[]; nextCursor: string | null }> {
  const afterId = cursor ? decodeCursor(cursor) : 0;
  const rows = await repo.listItems(db, afterId, limit + 1);
  const page = rows.slice(0, limit).map(toItem);
  const last = page[page.length - 1];
  return { items: page, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

export async function updateItem(db: DbClient, id: number, changes: UpdateItemInput): Promise<Item> {
  return db.transaction(async (tx) => {
    const updated = await repo.updateItem(tx, id, changes, new Date());
    if (!updated) throw notFound(`item ${id} does not exist`);
    const row = await repo.findItem(tx, id);
    if (!row) throw notFound(`item ${id} does not exist`);
    return toItem(row);
  });
}

export async function deleteItem(db: DbClient, id: number): Promise<void> {
  if (!(await repo.deleteItem(db, id))) throw notFound(`item ${id} does not exist`);
}
