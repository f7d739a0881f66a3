import { startMysql, type MysqlServer } from '@serverless-app/testing';
import type { DbClient, StatementInstrument } from './client';
import { DuplicateEntryError } from './errors';
import { clientFor, waitForNoConnections } from './integration.test-util';
import type { InstrumentedKind } from './statement-kind';

jest.setTimeout(60_000);

const CANARY = 'canary-7f3e2b';

let server: MysqlServer;
let db: DbClient;
/** What the hook saw: the kind, every argument it was given, and how the wrapped work ended. */
let calls: Array<{ kind: InstrumentedKind; args: unknown[]; outcome?: 'resolved' | 'rejected'; depth: number }>;

const recording: StatementInstrument = (...args) => {
  const [kind, run] = args;
  const call = { kind, args: args.slice(), depth: calls.filter((c) => c.outcome === undefined).length } as (typeof calls)[number];
  calls.push(call);
  return run().then(
    (result) => {
      call.outcome = 'resolved';
      return result;
    },
    (error: unknown) => {
      call.outcome = 'rejected';
      throw error;
    },
  );
};

beforeAll(async () => {
  server = await startMysql();
  await server.query(`CREATE TABLE ${server.database}.things (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL, UNIQUE KEY uq_name (name))`);
});
afterAll(() => server?.stop());
beforeEach(async () => {
  await server.query(`DELETE FROM ${server.database}.things`);
  expect(await waitForNoConnections(server)).toBe(0);
  calls = [];
  db = clientFor(server, { instrument: recording, pinning: 'off' });
});
afterEach(() => db.close());

it('wraps each statement in a call told its kind, and nothing else', async () => {
  await db.run('INSERT INTO things (name) VALUES (?)', [CANARY]);
  await db.query('SELECT id FROM things WHERE name = ?', [CANARY]);
  await db.run('UPDATE things SET name = ? WHERE name = ?', [`${CANARY}-2`, CANARY]);
  await db.run('DELETE FROM things WHERE name = ?', [`${CANARY}-2`]);
  await db.query('SHOW TABLES');

  expect(calls.map((c) => [c.kind, c.outcome])).toEqual([
    ['insert', 'resolved'],
    ['select', 'resolved'],
    ['update', 'resolved'],
    ['delete', 'resolved'],
    ['other', 'resolved'],
  ]);
  for (const call of calls) {
    expect(call.args).toHaveLength(2);
    expect(typeof call.args[1]).toBe('function');
    expect(['select', 'insert', 'update', 'delete', 'transaction', 'other']).toContain(call.args[0]); // a kind: no SQL, no values
  }
});

it('wraps a transaction, and the statements inside it within its call', async () => {
  await db.transaction(async (tx) => {
    await tx.run('INSERT INTO things (name) VALUES (?)', [CANARY]);
    await tx.query('SELECT COUNT(*) AS n FROM things');
  });

  expect(calls.map((c) => [c.kind, c.depth, c.outcome])).toEqual([
    ['transaction', 0, 'resolved'],
    ['insert', 1, 'resolved'],
    ['select', 1, 'resolved'],
  ]);
  expect(await server.query(`SELECT name FROM ${server.database}.things`)).toEqual([{ name: CANARY }]);
});

it('sees a failing statement fail, with the error the caller gets', async () => {
  await db.run('INSERT INTO things (name) VALUES (?)', [CANARY]);

  const error = await db.run('INSERT INTO things (name) VALUES (?)', [CANARY]).catch((e: unknown) => e);
  const rolledBack = await db
    .transaction(async (tx) => {
      await tx.run('DELETE FROM things');
      throw new Error('changed my mind');
    })
    .catch((e: unknown) => e);

  expect(error).toBeInstanceOf(DuplicateEntryError);
  expect((rolledBack as Error).message).toBe('changed my mind');
  expect(calls.map((c) => [c.kind, c.outcome])).toEqual([
    ['insert', 'resolved'],
    ['insert', 'rejected'],
    ['transaction', 'rejected'],
    ['delete', 'resolved'],
  ]);
  expect(await server.query(`SELECT COUNT(*) AS n FROM ${server.database}.things`)).toEqual([{ n: 1 }]);
});

it('is not called at all without a hook', async () => {
  const plain = clientFor(server, { pinning: 'off' });
  try {
    await plain.query('SELECT 1');
    await plain.transaction((tx) => tx.query('SELECT 1'));
  } finally {
    await plain.close();
  }

  expect(calls).toEqual([]);
});
