import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { DbClient } from './client';
import {
  DatabaseError,
  DatabaseUnavailableError,
  DuplicateEntryError,
  QueryTimeoutError,
  StatementOutcomeUnknownError,
} from './errors';
import { captureLogger, clientFor, waitForNoConnections } from './integration.test-util';

jest.setTimeout(120_000);

let server: MysqlServer;
let db: DbClient;
let capture: ReturnType<typeof captureLogger>;

/** A value no error, log line or message may ever contain. */
let canary: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything an error carries, causes included, as a logger or a debugger would show it. */
const everything = (error: unknown) => inspect(error, { depth: 20, showHidden: true });

/** Kills (KILL QUERY) the app user's statement whose text contains `marker`, once it shows up in the process list. */
async function killQueryContaining(marker: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const rows = await server.query<Array<{ id: number }>>(
      'SELECT id FROM information_schema.processlist WHERE user = ? AND info LIKE ?',
      [server.app.user, `%${marker}%`],
    );
    if (rows[0]) {
      await server.query(`KILL QUERY ${Number(rows[0].id)}`);
      return;
    }
    await sleep(10);
  }
  throw new Error(`no running statement containing ${marker}`);
}

beforeAll(async () => {
  server = await startMysql();
  await server.query(
    `CREATE TABLE ${server.database}.people (
       id INT AUTO_INCREMENT PRIMARY KEY,
       email VARCHAR(200) NOT NULL,
       age INT NULL,
       UNIQUE KEY uq_people_email (email)
     )`,
  );
});
afterAll(() => server?.stop());
beforeEach(async () => {
  canary = `canary-${randomUUID()}`;
  await server.setGlobal('read_only', 0);
  await server.setGlobal('innodb_lock_wait_timeout', 50);
  await server.query(`DELETE FROM ${server.database}.people`);
  await server.query(`INSERT INTO ${server.database}.people (id, email) VALUES (1, 'one@example.com'), (2, 'two@example.com')`);
  expect(await waitForNoConnections(server)).toBe(0);
  capture = captureLogger();
  db = clientFor(server, { logger: capture.logger, pinning: 'off' });
});
afterEach(async () => {
  await db.close();
  // Every failing path of this file: nothing the caller or the logs see may carry the statement's values.
  expect(capture.text()).not.toContain(canary);
});

describe('a read-only primary (what a failover looks like)', () => {
  it('reports a write as unavailable and not applied, with the value nowhere in the error', async () => {
    await db.query('SELECT 1');
    await server.setGlobal('read_only', 1);

    const error = await db.run('INSERT INTO people (email) VALUES (?)', [canary]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'read-only', errno: 1290 });
    expect((error as DatabaseUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(everything(error)).not.toContain(canary);
    expect(await server.query(`SELECT COUNT(*) AS n FROM ${server.database}.people WHERE email = ?`, [canary])).toEqual([{ n: 0 }]);
  });

  it('fails a transaction that writes, rolled back, and serves writes again once the primary is writable', async () => {
    await server.setGlobal('read_only', 1);

    const error = await db.transaction((tx) => tx.run('UPDATE people SET email = ? WHERE id = 1', [canary])).catch((e: unknown) => e);
    await server.setGlobal('read_only', 0);

    expect(error).toMatchObject({ name: 'DatabaseUnavailableError', reason: 'read-only' });
    expect(everything(error)).not.toContain(canary);
    await expect(db.run('UPDATE people SET age = 30 WHERE id = 1')).resolves.toMatchObject({ affectedRows: 1 });
  });
});

describe('lock contention', () => {
  it('answers a lock wait timeout (1205) as unavailable, the statement rolled back', async () => {
    await server.setGlobal('innodb_lock_wait_timeout', 1);
    const holder = await import('mysql2/promise').then((m) => m.createConnection(server.admin));
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT * FROM ${server.database}.people WHERE id = 1 FOR UPDATE`);

      const error = await db.run('UPDATE people SET email = ? WHERE id = 1', [canary]).catch((e: unknown) => e);

      expect(error).toMatchObject({ name: 'DatabaseUnavailableError', reason: 'contention', errno: 1205 });
      expect(everything(error)).not.toContain(canary);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('answers a deadlock (1213) as unavailable, the loser rolled back and the winner committed', async () => {
    let release!: () => void;
    const bothLocked = new Promise<void>((resolve) => (release = resolve));
    let locked = 0;
    const lockThen = (first: number, second: number, email: string) =>
      db.transaction(async (tx) => {
        await tx.run('UPDATE people SET age = 1 WHERE id = ?', [first]);
        if (++locked === 2) release();
        await bothLocked;
        await tx.run('UPDATE people SET email = ? WHERE id = ?', [email, second]);
      });

    const results = await Promise.allSettled([lockThen(1, 2, `${canary}-a`), lockThen(2, 1, `${canary}-b`)]);

    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatchObject({ name: 'DatabaseUnavailableError', reason: 'contention', errno: 1213 });
    expect(everything(rejected[0]?.reason)).not.toContain(canary);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('an interrupted statement (KILL QUERY)', () => {
  it('reports an interrupted write as unavailable and not applied', async () => {
    const marker = `mark_${randomUUID().slice(0, 8)}`;
    const write = db
      .run(`UPDATE people SET email = ? WHERE id = 1 AND SLEEP(5) = 0 AND '${marker}' <> ''`, [canary])
      .catch((e: unknown) => e);
    await killQueryContaining(marker);

    const error = await write;

    expect(error).toMatchObject({ name: 'DatabaseUnavailableError', reason: 'interrupted' });
    expect(everything(error)).not.toContain(canary);
    expect(await server.query(`SELECT email FROM ${server.database}.people WHERE id = 1`)).toEqual([{ email: 'one@example.com' }]);
  });

  it('runs an interrupted read again and answers it', async () => {
    const marker = `mark_${randomUUID().slice(0, 8)}`;
    // A read that takes a while without SLEEP (SLEEP marks a statement as not replayable).
    const slow = `SELECT COUNT(*) AS n FROM information_schema.columns a, information_schema.columns b WHERE a.table_name <> ? AND '${marker}' <> ''`;
    const read = db.query<{ n: number }>(slow, [canary]);
    await killQueryContaining(marker);

    const rows = await read;

    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    expect(db.stats().readsReplayed).toBe(1);
  });
});

describe('failures that carry values in the driver error', () => {
  it('a value the column refuses (the server quotes it) is a DatabaseError without it', async () => {
    const error = await db.run('INSERT INTO people (email, age) VALUES (?, ?)', ['x@example.com', canary]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ errno: 1366 });
    expect(everything(error)).not.toContain(canary);
  });

  it('a duplicate key names the key, not the value', async () => {
    await db.run('INSERT INTO people (email) VALUES (?)', [canary]);

    const error = await db.run('INSERT INTO people (email) VALUES (?)', [canary]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DuplicateEntryError);
    expect(error).toMatchObject({ key: 'uq_people_email' });
    expect(everything(error)).not.toContain(canary);
  });

  it('a timed-out statement', async () => {
    const error = await db.query('SELECT ? AS v, SLEEP(3) AS s', [canary], { timeoutMs: 300 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(everything(error)).not.toContain(canary);
  });

  it('a write whose connection is killed while it runs', async () => {
    const marker = `mark_${randomUUID().slice(0, 8)}`;
    const write = db
      .run(`UPDATE people SET email = ? WHERE id = 1 AND SLEEP(5) = 0 AND '${marker}' <> ''`, [canary])
      .catch((e: unknown) => e);
    for (let i = 0; i < 200; i++) {
      const rows = await server.query<Array<{ id: number }>>('SELECT id FROM information_schema.processlist WHERE info LIKE ?', [`%${marker}%`]);
      if (rows.some((r) => r.id)) break;
      await sleep(10);
    }
    await server.killConnections();

    const error = await write;

    expect(error).toBeInstanceOf(StatementOutcomeUnknownError);
    expect(db.stats().outcomeUnknown).toBe(1);
    expect(everything(error)).not.toContain(canary);
  });
});
