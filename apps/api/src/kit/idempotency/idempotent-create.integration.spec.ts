import { DatabaseError, DatabaseUnavailableError, type DbClient, StatementOutcomeUnknownError } from '@serverless-app/db';
import type { LocalBackend } from '@serverless-app/testing';
import { dbFor, startBackend } from '../../testing/api.test-util';
import { ConflictError } from '../errors';
import { idempotentCreate, keyScope } from './idempotent-create';
import { deleteExpiredKeyRecords, findKeyRecord } from './key-records';
import { requestHash } from './request-hash';

jest.setTimeout(60_000);

let backend: LocalBackend;
let db: DbClient;
const table = () => `${backend.db.database}.kit_things`;

beforeAll(async () => {
  backend = await startBackend();
  await backend.db.query(`CREATE TABLE ${table()} (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL)`);
  db = dbFor(backend);
});
afterAll(async () => {
  await db?.close();
  await backend?.stop();
});
beforeEach(async () => {
  await backend.db.query(`DELETE FROM ${table()}`);
  await backend.db.query(`DELETE FROM ${backend.db.database}.idempotency_keys`);
});

interface Thing {
  id: number;
  name: string;
}
const count = async (sql: string) => Number((await backend.db.query<Array<{ n: number }>>(sql))[0]?.n);
const things = () => count(`SELECT COUNT(*) AS n FROM ${table()}`);
const keys = () => count(`SELECT COUNT(*) AS n FROM ${backend.db.database}.idempotency_keys`);

/** A create of a thing; `inserts` counts the INSERTs it ran. */
function thing(name: string, key: string | undefined, on: DbClient = db, owner?: string) {
  const stats = { inserts: 0 };
  const run = () =>
    idempotentCreate<Thing>(on, {
      scope: 'things',
      key,
      owner,
      request: [name],
      create: async (tx) => {
        stats.inserts++;
        const { insertId } = await tx.run('INSERT INTO kit_things (name) VALUES (?)', [name]);
        return { id: insertId, name };
      },
    });
  return { run, stats };
}

/** The client, with `transaction` failing as told before (`before`) or after (`after`) the real one. */
function flaky(failures: Array<{ when: 'before' | 'after'; error: Error }>): DbClient {
  return {
    ...db,
    query: (...args) => db.query(...args),
    run: (...args) => db.run(...args),
    transaction: async (fn) => {
      const failure = failures.shift();
      if (failure?.when === 'before') throw failure.error;
      const result = await db.transaction(fn);
      if (failure?.when === 'after') throw failure.error;
      return result;
    },
  };
}

describe('idempotentCreate', () => {
  it('without a key, runs the create alone, once per call', async () => {
    const first = await thing('a', undefined).run();
    const second = await thing('a', undefined).run();

    expect(first).toEqual({ value: { id: expect.any(Number), name: 'a' }, replayed: false });
    expect(second.value.id).not.toBe(first.value.id);
    expect([await things(), await keys()]).toEqual([2, 0]);
  });

  it('with a key, stores the answer with the record, and replays it to a retry', async () => {
    const first = await thing('a', 'k-1').run();
    const retry = await thing('a', 'k-1').run();

    expect(first.replayed).toBe(false);
    expect(retry).toEqual({ value: first.value, replayed: true });
    expect([await things(), await keys()]).toEqual([1, 1]);
    expect(await findKeyRecord(db, 'things', 'k-1')).toEqual({
      requestHash: requestHash(['a']),
      status: 201,
      body: JSON.stringify(first.value),
      expiresAt: expect.any(Date),
    });
  });

  it('replays the original answer after the record was deleted, instead of creating another', async () => {
    const first = await thing('a', 'k-del').run();
    await backend.db.query(`DELETE FROM ${table()}`);

    const late = await thing('a', 'k-del').run();

    expect(late).toEqual({ value: first.value, replayed: true });
    expect(await things()).toBe(0);
  });

  it('refuses the same key with another request', async () => {
    await thing('a', 'k-2').run();

    await expect(thing('b', 'k-2').run()).rejects.toEqual(new ConflictError('idempotency_key_reused', 'this Idempotency-Key was used with a different body'));
    expect(await things()).toBe(1);
  });

  it('compares keys byte for byte: keys differing only in case are different keys', async () => {
    const upper = await thing('a', 'Case-x').run();
    const lower = await thing('b', 'case-x').run();

    expect(lower.replayed).toBe(false);
    expect(lower.value.id).not.toBe(upper.value.id);
    expect([await things(), await keys()]).toEqual([2, 2]);
  });

  it('keeps scopes apart', async () => {
    await thing('a', 'k-scope').run();
    const other = await idempotentCreate(db, { scope: 'others', key: 'k-scope', request: ['z'], create: async () => ({ id: 0 }) });

    expect(other).toEqual({ value: { id: 0 }, replayed: false });
  });

  it("keeps each caller's keys apart: another caller's same key neither replays nor conflicts", async () => {
    const alice = 'arn:aws:iam::123456789012:user/alice';
    const bob = 'arn:aws:iam::123456789012:user/bob';
    const first = await thing('a', 'k-owner', db, alice).run();
    const other = await thing('b', 'k-owner', db, bob).run();
    const retry = await thing('a', 'k-owner', db, alice).run();
    const anonymous = await thing('c', 'k-owner').run();

    expect(other.replayed).toBe(false);
    expect(other.value.id).not.toBe(first.value.id);
    expect(retry).toEqual({ value: first.value, replayed: true });
    expect(anonymous.replayed).toBe(false);
    expect([await things(), await keys()]).toEqual([3, 3]);
    const scopes = await backend.db.query<Array<{ scope: string }>>(`SELECT scope FROM ${backend.db.database}.idempotency_keys ORDER BY scope`);
    expect(scopes.map((r) => r.scope).sort()).toEqual(['things', keyScope('things', alice), keyScope('things', bob)].sort());
    expect(JSON.stringify(scopes)).not.toContain('alice');
  });

  it('treats an expired key as unused', async () => {
    await thing('a', 'k-old').run();
    await backend.db.query(`UPDATE ${backend.db.database}.idempotency_keys SET expires_at = '2000-01-01 00:00:00'`);

    const again = await thing('b', 'k-old').run();

    expect(again).toEqual({ value: { id: expect.any(Number), name: 'b' }, replayed: false });
    expect([await things(), await keys()]).toEqual([2, 1]);
    expect((await findKeyRecord(db, 'things', 'k-old'))?.requestHash).toBe(requestHash(['b']));
  });

  it('creates exactly one record for concurrent requests with the same key', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => thing('same', 'k-race').run()));

    expect(new Set(results.map((r) => r.value.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect([await things(), await keys()]).toEqual([1, 1]);
  });

  it('replays when the COMMIT was lost but took effect', async () => {
    const lostAfterCommit = flaky([{ when: 'after', error: new StatementOutcomeUnknownError('connection lost while running COMMIT') }]);
    const create = thing('a', 'k-lost', lostAfterCommit);

    const outcome = await create.run();

    expect(outcome).toEqual({ value: { id: expect.any(Number), name: 'a' }, replayed: true });
    expect([create.stats.inserts, await things()]).toEqual([1, 1]);
  });

  it('runs again when the outcome was unknown and nothing was stored, and after a deadlock', async () => {
    const lostBefore = flaky([{ when: 'before', error: new StatementOutcomeUnknownError('connection lost while running START TRANSACTION') }]);
    const deadlock = flaky([{ when: 'before', error: new DatabaseUnavailableError('lock wait timeout or deadlock; the statement was rolled back', { errno: 1213, reason: 'contention', attempts: 1, retryAfterSeconds: 1 }) }]);

    expect((await thing('a', 'k-unknown', lostBefore).run()).replayed).toBe(false);
    expect((await thing('b', 'k-deadlock', deadlock).run()).replayed).toBe(false);
    expect(await things()).toBe(2);
  });

  it('gives up after three attempts with the last error', async () => {
    const lost = () => ({ when: 'before' as const, error: new StatementOutcomeUnknownError('lost') });

    await expect(thing('a', 'k-gone', flaky([lost(), lost(), lost()])).run()).rejects.toBeInstanceOf(StatementOutcomeUnknownError);
    expect(await things()).toBe(0);
  });

  it('passes other failures on without retrying', async () => {
    const broken = flaky([{ when: 'before', error: new DatabaseError("Table 'x' doesn't exist") }]);
    const create = thing('a', 'k-broken', broken);

    await expect(create.run()).rejects.toThrow("Table 'x' doesn't exist");
    expect(create.stats.inserts).toBe(0);
  });
});

describe('keyScope', () => {
  it('is the scope alone without an owner, and a 22-character tag of the owner after it, within the column', () => {
    expect(keyScope('items', undefined)).toBe('items');
    expect(keyScope('items', '')).toBe('items');
    const scoped = keyScope('items', 'arn:aws:iam::123456789012:user/alice');
    expect(scoped).toMatch(/^items:[A-Za-z0-9_-]{22}$/);
    expect(keyScope('items', 'arn:aws:iam::123456789012:user/alice')).toBe(scoped);
    expect(keyScope('x'.repeat(41), 'someone')).toHaveLength(64);
  });

  it('refuses a scope that would not fit or is not printable ASCII', () => {
    expect(() => keyScope('x'.repeat(42), undefined)).toThrow('idempotency scope must be 1-41 printable ASCII characters, got 42');
    expect(() => keyScope('', undefined)).toThrow(/got 0/);
    expect(() => keyScope('it ems', undefined)).toThrow(/printable ASCII/);
  });
});

describe('deleteExpiredKeyRecords', () => {
  it('deletes at most `limit` expired keys and no live one', async () => {
    for (let i = 0; i < 5; i++) await thing(`t${i}`, `exp-${i}`).run();
    await thing('live', 'live').run();
    await backend.db.query(`UPDATE ${backend.db.database}.idempotency_keys SET expires_at = '2000-01-01 00:00:00' WHERE idempotency_key LIKE 'exp-%'`);

    expect(await deleteExpiredKeyRecords(db, new Date(), 3)).toBe(3);
    expect(await deleteExpiredKeyRecords(db, new Date(), 3)).toBe(2);
    expect(await deleteExpiredKeyRecords(db, new Date(), 3)).toBe(0);
    expect(await findKeyRecord(db, 'things', 'live')).toBeDefined();
  });
});

describe('purging on keyed creates', () => {
  it('deletes expired keys on the first keyed create of an execution environment', async () => {
    for (let i = 0; i < 3; i++) await thing(`t${i}`, `stale-${i}`).run();
    await backend.db.query(`UPDATE ${backend.db.database}.idempotency_keys SET expires_at = '2000-01-01 00:00:00'`);
    let fresh!: typeof idempotentCreate;
    jest.isolateModules(() => {
      fresh = (require('./idempotent-create') as { idempotentCreate: typeof idempotentCreate }).idempotentCreate; // a new environment: nothing purged yet
    });

    await fresh(db, { scope: 'things', key: 'new-key', request: ['n'], create: async () => ({ id: 1 }) });

    expect(await backend.db.query(`SELECT idempotency_key FROM ${backend.db.database}.idempotency_keys`)).toEqual([{ idempotency_key: Buffer.from('new-key') }]);
  });
});

