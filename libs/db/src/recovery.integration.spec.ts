import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { createConnection, type Connection } from 'mysql2/promise';
import type { DbClient } from './client';
import { DatabaseUnavailableError, QueryTimeoutError, StatementOutcomeUnknownError } from './errors';
import { captureLogger, clientFor, killWhileFrozen, openConnections, waitForNoConnections } from './integration.test-util';

jest.setTimeout(120_000);

let server: MysqlServer;
let db: DbClient;

beforeAll(async () => {
  server = await startMysql();
  await server.query(`CREATE TABLE ${server.database}.writes (id INT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(64) NOT NULL)`);
});
afterAll(() => server?.stop());
beforeEach(async () => {
  await server.query(`DELETE FROM ${server.database}.writes`);
  await server.setGlobal('max_connections', 151);
  expect(await waitForNoConnections(server)).toBe(0);
});
afterEach(() => db?.close());

describe('stale connections (a Lambda frozen past the idle timeout)', () => {
  it('replaces pooled connections the server closed while this process was frozen', async () => {
    db = clientFor(server, { pool: { validateAfterIdleMs: 0 } });
    await Promise.all([db.query('SELECT SLEEP(0.05)'), db.query('SELECT SLEEP(0.05)')]);
    expect(db.stats().pool.idle).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 5));

    killWhileFrozen(server);
    const result = await db.run('INSERT INTO writes (token) VALUES (?)', ['after-freeze']);

    expect(result.affectedRows).toBe(1);
    expect(db.stats().staleConnectionsReplaced).toBeGreaterThanOrEqual(1);
    expect(await server.query(`SELECT token FROM ${server.database}.writes`)).toEqual([{ token: 'after-freeze' }]);
  });

  it('replaces connections closed while idle and noticed by the pool', async () => {
    db = clientFor(server);
    await db.query('SELECT 1');

    await server.killConnections();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await db.query('SELECT 2 AS v')).toEqual([{ v: 2 }]);
  });

  it('without the idle check, replays a read on a lost connection but never a write', async () => {
    db = clientFor(server, { pool: { validateAfterIdleMs: 3_600_000 } });
    await db.query('SELECT 1');

    killWhileFrozen(server);
    expect(await db.query('SELECT 3 AS v')).toEqual([{ v: 3 }]);
    expect(db.stats().readsReplayed + db.stats().staleConnectionsReplaced).toBeGreaterThanOrEqual(1);

    killWhileFrozen(server);
    const error = await db.run('INSERT INTO writes (token) VALUES (?)', ['maybe']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementOutcomeUnknownError);
    expect((error as Error).message).toMatch(/may or may not have taken effect/);
  });
});

describe('server down', () => {
  it('fails fast with DatabaseUnavailableError after bounded retries, and recovers with no reset', async () => {
    const { logger, lines } = captureLogger();
    db = clientFor(server, { logger });
    await db.query('SELECT 1');
    await server.down();
    let error: unknown;
    try {
      error = await db.query('SELECT 1').catch((e: unknown) => e);
    } finally {
      await server.up();
    }

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 4 });
    expect((error as Error).message).toMatch(/database unavailable after 4 attempts in \d+ ms/);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    expect(await db.query('SELECT 2 AS v')).toEqual([{ v: 2 }]);
  });

  it('does not hang on a server that stopped answering', async () => {
    db = clientFor(server, { pool: { connectTimeoutMs: 300, acquireTimeoutMs: 300 }, statementTimeoutMs: 500 });
    await db.query('SELECT 1');
    await server.freeze();
    let onPooled: unknown;
    let onNew: unknown;
    try {
      onPooled = await db.query('SELECT 1').catch((e: unknown) => e);
      const fresh = clientFor(server, { pool: { connectTimeoutMs: 300, acquireTimeoutMs: 2_000 } });
      onNew = await fresh.query('SELECT 1').catch((e: unknown) => e);
      await fresh.close();
    } finally {
      await server.thaw();
    }

    expect(onPooled).toBeInstanceOf(QueryTimeoutError);
    expect(onNew).toBeInstanceOf(DatabaseUnavailableError);
    expect(onNew).toMatchObject({ code: 'ETIMEDOUT' });
    expect(await db.query('SELECT 3 AS v')).toEqual([{ v: 3 }]);
  });
});

describe('too many connections (1040)', () => {
  it('retries with backoff, then fails with DatabaseUnavailableError carrying retryAfterSeconds', async () => {
    const held: Connection[] = [];
    try {
      await server.setGlobal('max_connections', 3);
      // MariaDB keeps one extra slot for the admin; fill the rest with app connections.
      for (;;) {
        const conn = await createConnection(server.app).catch(() => undefined);
        if (!conn) break;
        held.push(conn);
      }
      const { logger, lines } = captureLogger();
      db = clientFor(server, { logger });

      const error = await db.query('SELECT 1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ errno: 1040, attempts: 4 });
      expect((error as DatabaseUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(db.stats().retries).toBe(3);
      expect(lines.filter((l) => l.message.includes('retrying'))).toHaveLength(3);

      await held.pop()?.end();
      expect(await db.query('SELECT 4 AS v')).toEqual([{ v: 4 }]);
    } finally {
      await Promise.all(held.map((c) => c.end()));
    }
  });
});

describe('only safe retries', () => {
  it('never duplicates a write when connections are killed during INSERTs', async () => {
    db = clientFor(server, { pool: { connectionLimit: 2, validateAfterIdleMs: 0 } });
    const outcomes = { ok: 0, unknown: 0, unavailable: 0 };
    let killing = true;
    let killed = 0;
    const killer = (async () => {
      while (killing) {
        killed += await server.killConnections().catch(() => 0);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        try {
          // Each insert takes ~5 ms on the server, so kills land mid-statement.
          await db.run('INSERT INTO writes (token) SELECT ? FROM DUAL WHERE SLEEP(0.005) = 0', [`t-${i}`]);
          outcomes.ok++;
        } catch (e) {
          if (e instanceof StatementOutcomeUnknownError) outcomes.unknown++;
          else if (e instanceof DatabaseUnavailableError) outcomes.unavailable++;
          else throw e;
        }
      }),
    );
    killing = false;
    await killer;

    const [counts] = await server.query<Array<{ rows: number; distinctTokens: number }>>(
      `SELECT COUNT(*) AS \`rows\`, COUNT(DISTINCT token) AS distinctTokens FROM ${server.database}.writes`,
    );
    expect(Number(counts?.rows)).toBe(Number(counts?.distinctTokens));
    expect(Number(counts?.rows)).toBeGreaterThanOrEqual(outcomes.ok);
    expect(Number(counts?.rows)).toBeLessThanOrEqual(outcomes.ok + outcomes.unknown);
    expect(outcomes.ok + outcomes.unknown + outcomes.unavailable).toBe(300);
    expect(killed).toBeGreaterThan(0);
    expect(outcomes.unknown).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  });
});

describe('transactions and lost connections', () => {
  it('reports a connection lost mid-transaction as rolled back (safe to retry) and keeps working', async () => {
    db = clientFor(server);

    const error = await db
      .transaction(async (tx) => {
        await tx.run('INSERT INTO writes (token) VALUES (?)', ['in-tx']);
        killWhileFrozen(server);
        await tx.run('INSERT INTO writes (token) VALUES (?)', ['in-tx-2']);
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toBe('connection lost during the transaction; the server rolled it back');
    expect(await server.query(`SELECT token FROM ${server.database}.writes`)).toEqual([]);
    await db.transaction((tx) => tx.run('INSERT INTO writes (token) VALUES (?)', ['next']));
    expect(await server.query(`SELECT token FROM ${server.database}.writes`)).toEqual([{ token: 'next' }]);
  });

  it('reports a COMMIT on a lost connection as outcome unknown', async () => {
    db = clientFor(server);

    const error = await db
      .transaction(async (tx) => {
        await tx.run('INSERT INTO writes (token) VALUES (?)', ['commit-lost']);
        killWhileFrozen(server);
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StatementOutcomeUnknownError);
    expect((error as Error).message).toMatch(/while running COMMIT; it may or may not have taken effect/);
  });

  it('starts a transaction on a fresh connection when the pooled one died while frozen', async () => {
    db = clientFor(server, { pool: { validateAfterIdleMs: 3_600_000 } });
    await db.query('SELECT 1');

    killWhileFrozen(server);
    await db.transaction((tx) => tx.run('INSERT INTO writes (token) VALUES (?)', ['fresh']));

    expect(await server.query(`SELECT token FROM ${server.database}.writes`)).toEqual([{ token: 'fresh' }]);
  });
});

describe('no leaks', () => {
  it('holds no connection beyond the pool after thousands of queries with injected failures', async () => {
    db = clientFor(server, { pool: { connectionLimit: 2 } });
    const tally = { ok: 0, failed: 0 };

    for (let round = 0; round < 40; round++) {
      const batch = Array.from({ length: 50 }, (_, i) => {
        const n = round * 50 + i;
        if (n % 97 === 0) return db.query('SELECT * FROM no_such_table');
        if (n % 89 === 0) return db.query('SELECT SLEEP(1)', [], { timeoutMs: 10 });
        if (n % 83 === 0) return db.transaction(async (tx) => { await tx.run('INSERT INTO writes (token) VALUES (?)', ['tx']); throw new Error('rollback'); });
        return db.query('SELECT ? AS n', [n]);
      });
      if (round % 10 === 5) await server.killConnections();
      const settled = await Promise.allSettled(batch);
      for (const s of settled) tally[s.status === 'fulfilled' ? 'ok' : 'failed']++;
      expect(db.stats().pool.open).toBeLessThanOrEqual(2);
    }
    // Connections closed client side mid-SLEEP linger on the server until the sleep ends.
    const deadline = Date.now() + 5_000;
    while ((await openConnections(server)) > 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await openConnections(server)).toBeLessThanOrEqual(2);

    expect(tally.ok + tally.failed).toBe(2_000);
    expect(tally.ok).toBeGreaterThan(1_900);
    expect(db.stats().pool.open).toBeLessThanOrEqual(2);
    await db.close();
    expect(await waitForNoConnections(server)).toBe(0);
  });
});
