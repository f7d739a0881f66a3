import { loadMigrations, migrate } from '@serverless-app/db';
import { type LocalBackend, startLocalBackend } from '@serverless-app/testing';
import { requestHash } from './kit';
import { createItem } from './items/items.service';
import { apiFor, bodyOf, dbFor, MIGRATIONS_DIR } from './testing/api.test-util';

/**
 * The idempotency keys stored on items before 0002–0004 keep working after
 * them: moved to idempotency_keys with the answer their create gave. They were
 * stored before keys belonged to a caller, so they move unowned: the service
 * replays them to a create without a caller; an IAM caller's keys are its own.
 */
jest.setTimeout(60_000);

let backend: LocalBackend;
const all = loadMigrations(MIGRATIONS_DIR);

beforeAll(async () => {
  backend = await startLocalBackend(); // migrated by the tests, step by step
});
afterAll(() => backend?.stop());

/** `2026-11-30 10:00:00.123` for a Date, in UTC, as the api writes timestamps. */
const sqlTime = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

it('moves the keys from items to idempotency_keys, so a retry after the upgrade (and a delete) gets the original item', async () => {
  await migrate({ connection: backend.db.app, migrations: all.filter((m) => m.name === '0001_create_items') });
  const created = new Date(Date.now() - 60_000);
  const name = `'); DROP TABLE items; -- \\ " \` % _ ☃ 𝄞`;
  const description = `' OR '1'='1\n\t\u0000 /* */ # ; \\'`;
  const old = [
    { name, description, key: 'Old-Key-1' },
    { name: 'no description', description: null, key: 'old-key-2' },
  ];
  for (const item of old) {
    await backend.db.query(
      `INSERT INTO ${backend.db.database}.items (name, description, idempotency_key, request_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [item.name, item.description, item.key, requestHash([item.name, item.description]), sqlTime(created), sqlTime(created)],
    );
  }
  await backend.db.query(`INSERT INTO ${backend.db.database}.items (name, created_at, updated_at) VALUES ('no key', NOW(3), NOW(3))`);
  const before = await backend.db.query<Array<{ id: number; name: string }>>(`SELECT id, name FROM ${backend.db.database}.items ORDER BY id`);

  const { applied } = await migrate({ connection: backend.db.app, migrations: all });

  expect(applied).toEqual(all.map((m) => m.name).filter((n) => n !== '0001_create_items'));
  expect(await backend.db.query(`SHOW COLUMNS FROM ${backend.db.database}.items LIKE 'idempotency%'`)).toEqual([]);
  expect(await backend.db.query(`SELECT COUNT(*) AS n FROM ${backend.db.database}.idempotency_keys`)).toEqual([{ n: 2 }]);

  await backend.db.query(`DELETE FROM ${backend.db.database}.items`);
  const db = dbFor(backend);
  const api = apiFor(backend);
  try {
    for (const [i, item] of old.entries()) {
      const retry = await createItem(db, { name: item.name, description: item.description }, item.key);

      expect(retry).toEqual({
        replayed: true,
        value: { id: Number(before[i]?.id), name: item.name, description: item.description, createdAt: created.toISOString(), updatedAt: created.toISOString() },
      });
    }
    const otherCase = await createItem(db, { name: 'x' }, 'old-key-1');
    expect(otherCase.replayed).toBe(false);
    // An IAM caller's key is its own: the unowned legacy key is not replayed to it.
    const signed = await api.invoke({ method: 'POST', path: '/items', body: { name: old[1]?.name, description: null }, headers: { 'Idempotency-Key': 'old-key-2' } });
    expect([signed.statusCode, signed.headers?.['idempotent-replayed']]).toEqual([201, undefined]);
    expect((bodyOf(signed) as { id: number }).id).not.toBe(Number(before[1]?.id));
  } finally {
    await api.dispose();
    await db.close();
  }
});
