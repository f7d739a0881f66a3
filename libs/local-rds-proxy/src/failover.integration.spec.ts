import { useProxyWorld, whenClosed } from './proxy.test-util';

jest.setTimeout(90_000);

const world = useProxyWorld();

async function errorOf(promise: Promise<unknown>): Promise<{ errno?: number; sqlState?: string; message?: string; code?: string; fatal?: boolean }> {
  try {
    await promise;
  } catch (error) {
    return error as { errno?: number };
  }
  throw new Error('it succeeded');
}


describe('database failover (restart, down, up)', () => {
  it('keeps idle client connections open across a restart; the same connections work afterwards', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 30_000 });
    const clients = [await world.connect(proxy), await world.connect(proxy)];
    await clients[0]?.query('SELECT 1');

    await world.db.restart();
    const results = await Promise.all(clients.map((c) => c.query('SELECT 1 AS one').then(([rows]) => rows)));

    expect(results).toEqual([[{ one: 1 }], [{ one: 1 }]]);
    expect(proxy.metrics().ClientConnections).toBe(2);
  });

  it('makes statements that arrive while the database is down wait for the borrow timeout, then answers 9501; the client works again once it is up', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 500 });
    const conn = await world.connect(proxy);
    await conn.query('SELECT 1');

    await world.db.down();
    const whileDown = await errorOf(conn.query('SELECT 1'));
    await world.db.up();
    const [rows] = await conn.query('SELECT 1 AS one');

    expect(whileDown).toMatchObject({ errno: 9501, sqlState: 'HY000', message: 'Timed-out waiting to acquire database connection' });
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('closes the client connection of a statement in flight when the database stops (outcome unknown, as a direct connection sees it); idle clients stay', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 30_000 });
    const conn = await world.connect(proxy);
    const idle = await world.connect(proxy);

    const inFlight = errorOf(conn.query('SELECT SLEEP(20)'));
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the statement reach the server
    await world.db.restart();
    const error = await inFlight;

    expect(error).toMatchObject({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    expect(await idle.query('SELECT 1')).toBeDefined();
    expect(world.logs.some((l) => l.message.includes('its database connection was lost during a request'))).toBe(true);
  });

  it('gives a client whose database connection is killed mid-statement what a direct client gets', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 30_000 });
    const conn = await world.connect(proxy);
    const direct = await world.direct();

    const results = Promise.all([errorOf(conn.query('SELECT SLEEP(10)')), errorOf(direct.query('SELECT SLEEP(10)'))]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await world.db.killConnections();
    const [viaProxy, straight] = await results;

    expect({ code: viaProxy.code, errno: viaProxy.errno }).toEqual({ code: straight.code, errno: straight.errno });
  });

  it('closes client connections whose session state died with the database: an open transaction, a pinned session', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 30_000 });
    const inTransaction = await world.connect(proxy);
    const pinned = await world.connect(proxy);
    const plain = await world.connect(proxy);
    await inTransaction.query('START TRANSACTION');
    await pinned.query('SET @kept = 1');
    const closed = Promise.all([whenClosed(inTransaction), whenClosed(pinned)]);

    await world.db.restart();
    await closed;

    expect(await errorOf(inTransaction.query('SELECT 1'))).toMatchObject({ message: expect.stringMatching(/closed state|Connection lost/) });
    expect(await plain.query('SELECT 1')).toBeDefined();
    expect(proxy.metrics()).toMatchObject({ ClientConnections: 1, DatabaseConnectionsCurrentlySessionPinned: 0 });
  });
});

describe('fault injection', () => {
  it('failNextBorrows: the next N borrows get 9501 at once, at statement time and at login', async () => {
    const proxy = await world.proxy();
    const conn = await world.connect(proxy);

    proxy.faults.failNextBorrows(2);
    const first = await errorOf(conn.query('SELECT 1'));
    const login = await errorOf(world.connect(proxy));
    const [rows] = await conn.query('SELECT 1 AS one');

    expect(first).toMatchObject({ errno: 9501, sqlState: 'HY000' });
    expect(login).toMatchObject({ errno: 9501, message: 'Timed-out waiting to acquire database connection' });
    expect(rows).toEqual([{ one: 1 }]);
    expect(() => proxy.faults.failNextBorrows(-1)).toThrow(TypeError);
  });

  it('stallBorrows: statements wait until released, or until the borrow timeout (9501)', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 300 });
    const conn = await world.connect(proxy);

    let release = proxy.faults.stallBorrows();
    const timedOut = await errorOf(conn.query('SELECT 1'));
    release();
    const patient = await world.proxy({ connectionBorrowTimeoutMs: 30_000 });
    const other = await world.connect(patient);
    release = patient.faults.stallBorrows();
    let done = false;
    const waiting = other.query('SELECT 1 AS one').then(([rows]) => {
      done = true;
      return rows;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const doneWhileStalled = done;
    release();

    expect(timedOut).toMatchObject({ errno: 9501 });
    expect(doneWhileStalled).toBe(false);
    expect(await waiting).toEqual([{ one: 1 }]);
  });

  it('dropDatabaseConnections: closes every database connection now; a statement in flight loses its client connection, idle clients carry on', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 30_000 });
    const busy = await world.connect(proxy);
    const idle = await world.connect(proxy);
    await idle.query('SELECT 1');

    const inFlight = errorOf(busy.query('SELECT SLEEP(10)'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const dropped = proxy.faults.dropDatabaseConnections();

    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(await inFlight).toMatchObject({ code: 'PROTOCOL_CONNECTION_LOST' });
    expect(await idle.query('SELECT 1')).toBeDefined();
  });
});
