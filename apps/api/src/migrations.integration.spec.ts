import { loadMigrations, migrate } from '@serverless-app/db';
import { type LocalBackend, startLocalBackend } from '@serverless-app/testing';
import { requestHash } from './kit';
import { apiFor, bodyOf, MIGRATIONS_DIR } from './testing/api.test-util';

/**
 * The idempotency keys stored on items before 0002–0004 keep working after
 * them: moved to idempotency_keys with the answer their create gave.
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
  const api = apiFor(backend);
  try {
    for (const [i, item] of old.entries()) {
      const retry = await api.invoke({ method: 'POST', path: '/items', body: { name: item.name, description: item.description }, headers: { 'Idempotency-Key': item.key } });

      expect(retry.statusCode).toBe(201);
      expect(retry.headers?.['idempotent-replayed']).toBe('true');
      expect(bodyOf(retry)).toEqual({
        id: Number(before[i]?.id),
        name: item.name,
        description: item.description,
        createdAt: created.toISOString(),
        updatedAt: created.toISOString(),
      });
    }
    const otherCase = await api.invoke({ method: 'POST', path: '/items', body: { name: 'x' }, headers: { 'Idempotency-Key': 'old-key-1' } });
    expect([otherCase.statusCode, otherCase.headers?.['idempotent-replayed']]).toEqual([201, undefined]);
  } finally {
    await api.dispose();
  }
});
