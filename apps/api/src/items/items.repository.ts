import type { Queryable } from '@serverless-app/db';
import { updateSet } from '../kit';
import type { ItemRow } from './item';

const COLUMNS = 'id, name, description, created_at, updated_at';
const itemSet = updateSet({ name: 'name', description: 'description' });

/** Inserts an item; returns its id (from the OK packet). */
export async function insertItem(db: Queryable, item: { name: string; description: string | null; now: Date }): Promise<number> {
  const { insertId } = await db.run('INSERT INTO items (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)', [
    item.name,
    item.description,
    item.now,
    item.now,
  ]);
  return insertId;
}

export async function findItem(db: Queryable, id: number): Promise<ItemRow | undefined> {
  const [row] = await db.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id = ?`, [id]);
  return row;
}

/** Up to `limit` items with an id above `afterId`, in id order. */
export function listItems(db: Queryable, afterId: number, limit: number): Promise<ItemRow[]> {
  return db.query<ItemRow>(`SELECT ${COLUMNS} FROM items WHERE id > ? ORDER BY id LIMIT ?`, [afterId, limit]);
}

/** Updates the given fields and `updated_at`; returns false when there is no such item. */
export async function updateItem(db: Queryable, id: number, changes: { name?: string; description?: string | null }, now: Date): Promise<boolean> {
  const set = itemSet(changes);
  const sql = set.sql ? `${set.sql}, updated_at = ?` : 'updated_at = ?';
  const { affectedRows } = await db.run(`UPDATE items SET ${sql} WHERE id = ?`, [...set.values, now, id]);
  return affectedRows > 0;
}

export async function deleteItem(db: Queryable, id: number): Promise<boolean> {
  const { affectedRows } = await db.run('DELETE FROM items WHERE id = ?', [id]);
  return affectedRows > 0;
}
