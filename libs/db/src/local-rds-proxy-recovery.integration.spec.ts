import { createConnection, type Connection } from 'mysql2/promise';
import { DatabaseUnavailableError, StatementOutcomeUnknownError } from './errors';
import { captureLogger } from './integration.test-util';
import { type ProxiedDatabase, startProxiedDatabase } from './local-rds-proxy.test-util';

/**
 * What libs/db does when RDS Proxy misbehaves, against a real local proxy (verified TLS, the app secret
 * read with the real SDK): borrow timeouts (9501) at login and at statement time, the proxy dropping its
 * database connections mid-statement, and the database restarting behind it.
 */
jest.setTimeout(90_000);

let world: ProxiedDatabase;
let table: string;

beforeAll(async () => {
  world = await startProxiedDatabase();
  table = `${world.server.database}.notes`;
  await world.server.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(100) NOT NULL)`);
});
afterEach(() => world.proxy.faults.clear());
afterAll(() => world?.close());

const count = async (body: string) =>
  Number((await world.server.query<Array<{ n: number }>>(`SELECT COUNT(*) AS n FROM ${table} WHERE body = ?`, [body]))[0]?.n);

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('borrow timeout (9501)', () => {
  it('at login: a new connection is retried, so a read and a write each succeed once', async () => {
    const reader = world.client();
    const writer = world.client();
    world.proxy.faults.failNextBorrows(2);
    const [row] = await reader.query<{ one: number }>('SELECT 1 AS one');
    world.proxy.faults.failNextBorrows(2);
    await writer.run('INSERT INTO notes (body) VALUES (?)', ['after-login-9501']);

    expect(row).toEqual({ one: 1 });
    expect(await count('after-login-9501')).toBe(1);
    expect([reader.stats().retries, writer.stats().retries]).toEqual([2, 2]);
    expect(world.proxy.metrics().DatabaseConnectionsBorrowTimeouts).toBeGreaterThanOrEqual(4);
  });

  it('at login, for longer than the retry budget: DatabaseUnavailableError (busy) with Retry-After', async () => {
    const db = world.client();
    world.proxy.faults.failNextBorrows(1_000);

    const error = await db.query('SELECT 1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'busy', errno: 9501, retryAfterSeconds: expect.any(Number) });
  });

  it('at statement time: a read is replayed, a write fails unapplied', async () => {
    const db = world.client();
    await db.query('SELECT 1'); // logged in: the next borrow is the statement's

    world.proxy.faults.failNextBorrows(1);
    const [row] = await db.query<{ two: number }>('SELECT 2 AS two');
    world.proxy.faults.failNextBorrows(1);
    const error = await db.run('INSERT INTO notes (body) VALUES (?)', ['statement-9501']).catch((e: unknown) => e);

    expect(row).toEqual({ two: 2 });
    expect(db.stats().readsReplayed).toBe(1);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'busy', errno: 9501 });
    expect(await count('statement-9501')).toBe(0);
  });

  it('a real wait: a borrow that waits out connectionBorrowTimeout gets 9501 and the write is not applied', async () => {
    const db = world.client();
    await db.query('SELECT 1');
    const release = world.proxy.faults.stallBorrows();
    let error: unknown;
    try {
      error = await db.run('INSERT INTO notes (body) VALUES (?)', ['stalled']).catch((e: unknown) => e);
    } finally {
      release();
    }

    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'busy', errno: 9501 });
    expect(await count('stalled')).toBe(0);
    expect(await db.query('SELECT 3 AS three')).toEqual([{ three: 3 }]);
  });
});

describe('the proxy drops its database connections mid-statement', () => {
  let locker: Connection;
  beforeEach(async () => {
    locker = await createConnection(world.server.admin);
    await locker.query(`LOCK TABLES ${table} WRITE`); // the app's statements wait on the table lock: in flight
  });
  afterEach(async () => {
    await locker.query('UNLOCK TABLES').catch(() => undefined);
    await locker.end();
  });

  const waitingOnLock = async () =>
    Number(
      (
        await world.server.query<Array<{ n: number }>>(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE user = ? AND state LIKE '%metadata lock%'",
          [world.server.app.user],
        )
      )[0]?.n,
    ) > 0;

  it('a read is replayed on a new connection and succeeds', async () => {
    const logs = captureLogger();
    const db = world.client({}, logs);
    await db.query('SELECT 1');

    const reading = db.query<{ n: number }>('SELECT COUNT(*) AS n FROM notes');
    await until(waitingOnLock);
    expect(world.proxy.faults.dropDatabaseConnections()).toBeGreaterThanOrEqual(1);
    await locker.query('UNLOCK TABLES');

    expect(await reading).toEqual([{ n: expect.any(Number) }]);
    expect(db.stats().readsReplayed).toBeGreaterThanOrEqual(1);
  });

  it('a write is reported as outcome unknown, never replayed', async () => {
    const db = world.client();
    await db.query('SELECT 1');

    const writing = db.run('INSERT INTO notes (body) VALUES (?)', ['dropped-mid-write']).catch((e: unknown) => e);
    await until(waitingOnLock);
    world.proxy.faults.dropDatabaseConnections();
    const error = await writing;
    await locker.query('UNLOCK TABLES');

    expect(error).toBeInstanceOf(StatementOutcomeUnknownError);
    expect(db.stats().outcomeUnknown).toBe(1);
    expect(await count('dropped-mid-write')).toBeLessThanOrEqual(1); // the server may still have run it: unknown, and never twice
  });
});

describe('the database restarts behind the proxy', () => {
  it('idle client connections survive; the next statement works on them', async () => {
    const db = world.client({ pool: { connectionLimit: 2 } });
    await Promise.all([db.query('SELECT SLEEP(0.05)'), db.query('SELECT SLEEP(0.05)')]);
    const before = world.proxy.metrics();

    await world.server.restart();
    const rows = await Promise.all([db.query<{ v: number }>('SELECT 1 AS v'), db.query<{ v: number }>('SELECT 2 AS v')]);

    const after = world.proxy.metrics();
    expect(rows).toEqual([[{ v: 1 }], [{ v: 2 }]]);
    expect(after.ClientConnectionsClosed).toBe(before.ClientConnectionsClosed);
    expect(after.ClientConnectionsReceived).toBe(before.ClientConnectionsReceived); // no new login: the same sessions
    expect(db.stats()).toMatchObject({ staleConnectionsReplaced: 0, readsReplayed: 0 });
    expect(db.stats().pool.open).toBe(2);
  });
});
