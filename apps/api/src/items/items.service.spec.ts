import type { DbClient, WriteResult } from '@serverless-app/db';
import { NotFoundError } from '../kit';
import { createItem, deleteItem } from './items.service';

/** A client that records statements and answers writes with the given OK packet. */
function recordingDb(result: Partial<WriteResult>) {
  const statements: string[] = [];
  const db = {
    query: jest.fn(async (sql: string) => {
      statements.push(sql);
      return [];
    }),
    run: jest.fn(async (sql: string) => {
      statements.push(sql);
      return { affectedRows: 1, insertId: 0, changedRows: 0, warningStatus: 0, ...result };
    }),
    transaction: jest.fn(),
  } as unknown as DbClient;
  return { db, statements };
}

describe('createItem without an idempotency key', () => {
  it('is one INSERT, answered from what it wrote: the id from the OK packet, no read back', async () => {
    const { db, statements } = recordingDb({ insertId: 41 });

    const { value, replayed } = await createItem(db, { name: 'first' });

    expect(statements).toEqual(['INSERT INTO items (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)']);
    expect(replayed).toBe(false);
    expect(value).toEqual({ id: 41, name: 'first', description: null, createdAt: expect.any(String), updatedAt: value.createdAt });
    expect(new Date(value.createdAt).toISOString()).toBe(value.createdAt);
  });
});

describe('deleteItem', () => {
  it('throws NotFoundError, not an HTTP error, for a missing item', async () => {
    const { db } = recordingDb({ affectedRows: 0 });

    await expect(deleteItem(db, 9)).rejects.toEqual(new NotFoundError('item 9 does not exist'));
  });
});
