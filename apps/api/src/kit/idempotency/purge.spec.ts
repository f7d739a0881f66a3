import type { Queryable } from '@serverless-app/db';
import { keyPurger } from './purge';

function fakeDb(run: Queryable['run'] = async () => ({ affectedRows: 3, insertId: 0, changedRows: 0, warningStatus: 0 })) {
  const calls: Array<{ sql: string; params: readonly unknown[] | undefined }> = [];
  const db: Queryable = {
    query: async () => [],
    run: async (sql, params, options) => {
      calls.push({ sql, params });
      return run(sql, params, options);
    },
  };
  return { db, calls };
}

describe('keyPurger', () => {
  it('deletes a bounded batch of expired keys, oldest first, at most once per interval', async () => {
    let now = 1_000_000;
    const purge = keyPurger({ intervalMs: 60_000, limit: 50, clock: () => now });
    const { db, calls } = fakeDb();

    await purge(db);
    now += 59_999;
    await purge(db);
    now += 1;
    await purge(db);

    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ sql: 'DELETE FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?', params: [new Date(1_000_000), 50] });
    expect(calls[1]?.params).toEqual([new Date(1_060_000), 50]);
  });

  it('ignores a failure, and waits the interval before trying again', async () => {
    let now = 0;
    const purge = keyPurger({ intervalMs: 1_000, clock: () => now });
    const { db, calls } = fakeDb(async () => {
      throw new Error('read-only');
    });

    await expect(purge(db)).resolves.toBeUndefined();
    await purge(db);
    now = 1_000;
    await purge(db);

    expect(calls).toHaveLength(2);
  });
});
