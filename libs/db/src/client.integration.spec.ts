import { startMysql, type MysqlServer } from '@serverless-app/testing';
import type { DbClient } from './client';
import { DatabaseError, DuplicateEntryError, QueryTimeoutError } from './errors';
import { createPinningGuard, PinningError } from './pinning';
import { captureLogger, clientFor, openConnections, waitForNoConnections } from './integration.test-util';

jest.setTimeout(60_000);

let server: MysqlServer;
let db: DbClient;

beforeAll(async () => {
  server = await startMysql();
  await server.query(
    `CREATE TABLE ${server.database}.items (
       id INT AUTO_INCREMENT PRIMARY KEY,
       name VARCHAR(200) NOT NULL,
       note TEXT NULL,
       UNIQUE KEY uq_items_name (name)
     )`,
  );
});
afterAll(async () => {
  await db?.close();
  await server?.stop();
});
beforeEach(async () => {
  await server.query(`DELETE FROM ${server.database}.items`);
  expect(await waitForNoConnections(server)).toBe(0);
  db = clientFor(server);
});
afterEach(() => db.close());

describe('query and run', () => {
  it('reads the database time, the workshop round trip', async () => {
    const [row] = await db.query<{ now: Date }>('SELECT NOW() AS now');

    expect(row?.now).toBeInstanceOf(Date);
  });

  it('returns the insert id from the OK packet', async () => {
    const first = await db.run('INSERT INTO items (name) VALUES (?)', ['a']);
    const second = await db.run('INSERT INTO items (name) VALUES (?)', ['b']);

    expect(first.affectedRows).toBe(1);
    expect(second.insertId).toBe(first.insertId + 1);
  });

  it('round-trips SQL metacharacters verbatim through placeholders', async () => {
    const nasty = `'; DROP TABLE items; -- \\ " \` %_ \u0000 ☃ 𝄞`;
    const { insertId } = await db.run('INSERT INTO items (name, note) VALUES (?, ?)', ['x', nasty]);

    const [row] = await db.query<{ note: string }>('SELECT note FROM items WHERE id = ?', [insertId]);
    expect(row?.note).toBe(nasty);
    expect(await db.query('SELECT id FROM items')).toHaveLength(1);
  });

  it('never uses server-side prepared statements (they pin RDS Proxy sessions)', async () => {
    const prepared = async () =>
      Number((await server.query<Array<{ Value: string }>>("SHOW GLOBAL STATUS LIKE 'Com_stmt_prepare'"))[0]?.Value);
    const before = await prepared();

    for (let i = 0; i < 5; i++) await db.query('SELECT ? AS v', [i]);
    await db.run('INSERT INTO items (name) VALUES (?)', ['p']);

    expect(await prepared()).toBe(before);
  });

  it('refuses several statements in one call', async () => {
    await expect(db.query('SELECT 1; SELECT 2')).rejects.toThrow(DatabaseError);
  });

  it('maps a duplicate key to DuplicateEntryError without the value', async () => {
    await db.run('INSERT INTO items (name) VALUES (?)', ['taken@example.com']);

    const error = await db.run('INSERT INTO items (name) VALUES (?)', ['taken@example.com']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DuplicateEntryError);
    expect((error as DuplicateEntryError).key).toBe('uq_items_name');
    expect((error as Error).message).not.toContain('taken@example.com');
  });

  it('tells query() from run() misuse', async () => {
    await expect(db.query('INSERT INTO items (name) VALUES (?)', ['q'])).rejects.toThrow('use run() for writes');
    await expect(db.run('SELECT 1')).rejects.toThrow('use query() for reads');
  });

  it('times a slow statement out with QueryTimeoutError and closes its connection', async () => {
    const error = await db.query('SELECT SLEEP(5)', [], { timeoutMs: 200 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(await db.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('keeps at most connectionLimit connections however many callers', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => db.query<{ v: number }>('SELECT ? AS v', [i])));

    expect(results.map((r) => r[0]?.v)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(await openConnections(server)).toBeLessThanOrEqual(2);
    expect(db.stats().pool).toMatchObject({ limit: 2, waiting: 0 });
  });

  it('adds the time callers waited for a busy pool to poolWaitMs, seen live by liveCounters()', async () => {
    const single = clientFor(server, { pool: { connectionLimit: 1 } });
    try {
      await single.query('SELECT 1'); // the connection is open: later waits are for the pool alone
      const before = single.stats().poolWaitMs;
      const holding = single.transaction(() => new Promise((resolve) => setTimeout(resolve, 300)));
      await new Promise((resolve) => setTimeout(resolve, 20));

      await single.query('SELECT 1');
      await holding;

      const waited = single.stats().poolWaitMs - before;
      expect(waited).toBeGreaterThan(200);
      expect(waited).toBeLessThan(3_000);
      // liveCounters() is the same figures without a copy, through a deadline view too.
      const live = single.liveCounters();
      expect(single.withDeadline(Date.now() + 1_000).liveCounters()).toBe(live);
      const { pool: _pool, pinningWarnings: _warnings, ...counters } = single.stats();
      expect({ ...live }).toEqual(counters);
      await single.query('SELECT 1');
      expect(live.poolWaitMs).toBeGreaterThan(before + waited - 1e-9);
    } finally {
      await single.close();
    }
  });

  it('rejects use after close', async () => {
    await db.close();

    await expect(db.query('SELECT 1')).rejects.toThrow('the database client is closed');
  });
});

describe('transaction', () => {
  it('commits when the function resolves', async () => {
    const id = await db.transaction(async (tx) => {
      const { insertId } = await tx.run('INSERT INTO items (name) VALUES (?)', ['t1']);
      await tx.run('UPDATE items SET note = ? WHERE id = ?', ['n', insertId]);
      return insertId;
    });

    expect(await db.query('SELECT name, note FROM items WHERE id = ?', [id])).toEqual([{ name: 't1', note: 'n' }]);
  });

  it('rolls back when the function throws, and rethrows', async () => {
    const failure = new Error('business rule');

    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO items (name) VALUES (?)', ['t2']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await db.query('SELECT id FROM items')).toEqual([]);
  });

  it('rolls back on a statement error and gives the connection back', async () => {
    await db.run('INSERT INTO items (name) VALUES (?)', ['dup']);

    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO items (name) VALUES (?)', ['fresh']);
        await tx.run('INSERT INTO items (name) VALUES (?)', ['dup']);
      }),
    ).rejects.toBeInstanceOf(DuplicateEntryError);
    expect(await db.query('SELECT name FROM items')).toEqual([{ name: 'dup' }]);
    expect(db.stats().pool.open - db.stats().pool.idle).toBe(0);
  });

  it('refuses a handle used after its transaction ended', async () => {
    let leaked: { query: (sql: string) => Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });

    await expect(leaked?.query('SELECT 1')).rejects.toThrow('used after the transaction ended');
  });

  it('isolates: uncommitted rows are invisible to other callers', async () => {
    let seen: unknown[] = ['not read'];
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['hidden']);
      seen = await db.query('SELECT name FROM items');
    });

    expect(seen).toEqual([]);
  });
});

describe('pinning guard', () => {
  it('in strict mode rejects a pinning statement before it reaches the server', async () => {
    await db.close();
    db = clientFor(server, { pinning: 'strict' });

    await expect(db.query('SELECT GET_LOCK(?, 1) AS l', ['job'])).rejects.toBeInstanceOf(PinningError);
    await expect(db.transaction((tx) => tx.run('SET @x = 1'))).rejects.toBeInstanceOf(PinningError);
    expect(await server.query<Array<{ n: number }>>("SELECT COUNT(*) AS n FROM information_schema.processlist WHERE state = 'User lock'")).toEqual([{ n: 0 }]);
  });

  it('in warn mode logs the reason, without values, and counts it', async () => {
    await db.close();
    const { logger, lines, text } = captureLogger();
    db = clientFor(server, { pinning: 'warn', logger });

    await db.query('SELECT LAST_INSERT_ID() AS id, ? AS v', ['secret-value']);
    await db.query('SELECT ? AS v', ['fine']);

    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(text()).toContain('last-insert-id');
    expect(text()).not.toContain('secret-value');
    expect(db.stats().pinningWarnings).toBe(1);
  });

  it('counts the 16 KB limit on the text as sent, parameters inlined', async () => {
    await db.close();
    const { logger, text } = captureLogger();
    db = clientFor(server, { pinning: 'warn', logger });

    await db.query('SELECT ? AS v', ['é'.repeat(8_200)]);

    expect(text()).toContain('statement-size');
  });

  it('analyses a clean statement text once, yet still catches a later call whose values take it past 16 KB', async () => {
    await db.close();
    const { logger, text } = captureLogger();
    const checked: string[] = [];
    const guard = createPinningGuard({ mode: 'warn', logger });
    db = clientFor(server, { pinning: { ...guard, check: (sql) => (checked.push(sql), guard.check(sql)) }, logger });

    for (const v of ['a', 'b', 'c']) await db.query('SELECT ? AS v', [v]);
    await db.query('SELECT 1 AS one');
    await db.query('SELECT 1 AS one');
    expect(checked).toEqual(["SELECT 'a' AS v", 'SELECT 1 AS one']);

    await db.query('SELECT ? AS v', ['x'.repeat(5_500)]); // at most 16.5 KB as UTF-8: analysed again, and fits
    await db.query('SELECT ? AS v', ['é'.repeat(8_200)]);
    expect(checked).toHaveLength(4);
    expect(text()).toContain('statement-size');
    expect(db.stats().pinningWarnings).toBe(1);
  });

  it('in strict mode rejects a pinning text every time it is sent, not only the first', async () => {
    await db.close();
    db = clientFor(server, { pinning: 'strict' });

    for (let i = 0; i < 3; i++) await expect(db.query('SELECT GET_LOCK(?, 1) AS l', [`job-${i}`])).rejects.toBeInstanceOf(PinningError);
  });
});
