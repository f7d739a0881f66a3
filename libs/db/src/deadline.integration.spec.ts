import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { randomUUID } from 'node:crypto';
import type { DbClient } from './client';
import { DatabaseUnavailableError, QueryTimeoutError } from './errors';
import { clientFor, openConnections, waitForNoConnections } from './integration.test-util';

jest.setTimeout(120_000);

let server: MysqlServer;
let db: DbClient;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Statements of the app user still running on the server whose text contains `marker`. */
const running = async (marker: string) =>
  (await server.query<Array<{ id: number }>>('SELECT id FROM information_schema.processlist WHERE user = ? AND info LIKE ?', [server.app.user, `%${marker}%`])).length;

beforeAll(async () => {
  server = await startMysql();
  await server.query(`CREATE TABLE ${server.database}.counters (id INT PRIMARY KEY, n INT NOT NULL)`);
});
afterAll(() => server?.stop());
beforeEach(async () => {
  await server.query(`DELETE FROM ${server.database}.counters`);
  await server.query(`INSERT INTO ${server.database}.counters VALUES (1, 0)`);
  expect(await waitForNoConnections(server)).toBe(0);
});
afterEach(() => db?.close());

describe('one deadline bounds every wait of a call', () => {
  it('ends a slow statement at the deadline, not at the statement timeout', async () => {
    db = clientFor(server, { statementTimeoutMs: 10_000 });
    const started = Date.now();

    const error = await db.withDeadline(Date.now() + 600).query('SELECT SLEEP(5) AS s').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('fails a call whose deadline has passed before anything is sent, opening no connection', async () => {
    db = clientFor(server);

    const error = await db.query('SELECT 1', [], { deadline: Date.now() - 1 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'deadline' });
    expect(await openConnections(server)).toBe(0);
  });

  it('gives up waiting for a frozen server at the deadline', async () => {
    db = clientFor(server, { pool: { connectTimeoutMs: 10_000, acquireTimeoutMs: 10_000 }, retry: { budgetMs: 20_000 } });
    await server.freeze();
    const started = Date.now();
    let error: unknown;
    try {
      error = await db.withDeadline(Date.now() + 800).query('SELECT 1').catch((e: unknown) => e);
    } finally {
      await server.thaw();
    }

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps the earlier of two deadlines', async () => {
    db = clientFor(server);
    const view = db.withDeadline(Date.now() + 400).withDeadline(Date.now() + 60_000);
    const started = Date.now();

    await expect(view.query('SELECT SLEEP(3) AS s')).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('a statement the client gave up on is stopped on the server', () => {
  it('with the server time limit, an abandoned write is stopped and rolled back', async () => {
    db = clientFor(server);
    const marker = `mark_${randomUUID().slice(0, 8)}`;

    const error = await db
      .run(`UPDATE counters SET n = n + 1 WHERE id = 1 AND SLEEP(2) = 0 AND '${marker}' <> ''`, [], { timeoutMs: 500 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ applied: false });
    expect(await running(marker)).toBe(0);
    await sleep(2_500);
    expect(await server.query(`SELECT n FROM ${server.database}.counters WHERE id = 1`)).toEqual([{ n: 0 }]);
  });

  it('without it (serverTimeLimit off), the server keeps running what the client abandoned', async () => {
    db = clientFor(server, { serverTimeLimit: 'off' });
    const marker = `mark_${randomUUID().slice(0, 8)}`;

    const error = await db.query(`SELECT SLEEP(2) AS s, '${marker}' AS m`, [], { timeoutMs: 300 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ applied: undefined });
    expect(await running(marker)).toBe(1);
  });
});

describe('a transaction never stays open past its deadline', () => {
  it('closes the connection of a transaction still open at the deadline; the server rolls it back', async () => {
    db = clientFor(server);

    const error = await db
      .transaction(
        async (tx) => {
          await tx.run('UPDATE counters SET n = 42 WHERE id = 1');
          await sleep(1_000); // the caller does something slow while the transaction holds its locks
          await tx.run('UPDATE counters SET n = 43 WHERE id = 1');
        },
        { deadline: Date.now() + 400 },
      )
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(await server.query(`SELECT n FROM ${server.database}.counters WHERE id = 1`)).toEqual([{ n: 0 }]);
    expect(await server.query('SELECT COUNT(*) AS n FROM information_schema.innodb_trx')).toEqual([{ n: 0 }]);
    await expect(db.query('SELECT n FROM counters WHERE id = 1')).resolves.toEqual([{ n: 0 }]);
  });

  it('commits a transaction that ends in time', async () => {
    db = clientFor(server);

    await db.withDeadline(Date.now() + 5_000).transaction((tx) => tx.run('UPDATE counters SET n = 7 WHERE id = 1'));

    expect(await server.query(`SELECT n FROM ${server.database}.counters WHERE id = 1`)).toEqual([{ n: 7 }]);
  });
});
