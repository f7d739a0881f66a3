import type { Queryable } from '@serverless-app/db';
import type { ItemRow } from './item';

const COLUMNS = 'id, name, description, request_hash, created_at, updated_at';

export async function insertItem(
  db: Queryable,
  item: { name: string; description: string | null; idempotencyKey: string | null; requestHash: string | null; now: Date },
): Promise<number> {
  const { insertId } = await db.run(
    'INSERT INTO items (name, description, idempotency_key, request_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    [item.name, item.description, item.idempotencyKey, item.requestHash, item.now, item.now],
  );
  return insertId;
}

export async function findItem(db: Queryable, id: number): Promise<ItemRow | undefined> {
  const [row] = await db.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id = ?`, [id]);
  return row;
}

export async function findItemByIdempotencyKey(db: Queryable, key: string): Promise<ItemRow | undefined> {
  const [row] = await db.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE idempotency_key = ?`, [key]);
  return row;
}

/** Up to `limit` items with an id above `afterId`, in id order. */
export function listItems(db: Queryable, afterId: number, limit: number): Promise<ItemRow[]> {
  return db.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id > ? ORDER BY id LIMIT ?`, [afterId, limit]);
}

/** Updates the given fields; returns false when there is no such item. */
export async function updateItem(
  db: Queryable,
  id: number,
  changes: { name?: string; description?: string | null },
  now: Date,
): Promise<boolean> {
  const sets: string[] = [];
  const values: unknown[] = [];
  if (changes.name !== undefined) {
    sets.push('name = ?');
    values.push(changes.name);
  }
  if (changes.description !== undefined) {
    sets.push('description = ?');
    values.push(changes.description);
  }
  sets.push('updated_at = ?');
  const { affectedRows } = await db.run(`UPDATE items SET ${sets.join(', ')} WHERE id = ?`, [...values, now, id]);
  return affectedRows > 0;
}

export async function deleteItem(db: Queryable, id: number): Promise<boolean> {
  const { affectedRows } = await db.run('DELETE FROM items WHERE id = ?', [id]);
  return affectedRows > 0;
}
