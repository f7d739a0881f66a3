import { useProxyWorld, whenClosed } from './proxy.test-util';

jest.setTimeout(60_000);

// max_connections = 10: 20 % is 2 database connections, 10 % is 1.
const world = useProxyWorld({ serverFlags: { 'max-connections': 10 } });

async function errorOf(promise: Promise<unknown>): Promise<{ errno?: number; sqlState?: string; message?: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { errno?: number };
  }
  throw new Error('it succeeded');
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('pool limits', () => {
  it('caps database connections at maxConnectionsPercent of max_connections, read at start', async () => {
    const proxy = await world.proxy({ maxConnectionsPercent: 20 });

    expect(proxy.maxConnections).toBe(2);
    expect(proxy.metrics().MaxDatabaseConnectionsAllowed).toBe(2);
  });

  it('answers 9501 (HY000, RDS Proxy wording) when no connection frees up within the borrow timeout, at statement time and at login', async () => {
    const proxy = await world.proxy({ maxConnectionsPercent: 20, connectionBorrowTimeoutMs: 300 });
    const first = await world.connect(proxy);
    const second = await world.connect(proxy);
    for (const conn of [first, second]) await conn.query('START TRANSACTION');
    const waiter = await world.connect(proxy).catch((e: unknown) => e);
    expect(waiter).toMatchObject({ errno: 9501, sqlState: 'HY000', message: 'Timed-out waiting to acquire database connection' });

    await second.query('COMMIT');
    const late = await world.connect(proxy);
    await first.query('SELECT 1'); // still in its transaction
    await late.query('START TRANSACTION');
    const atStatement = await errorOf(second.query('SELECT 1'));

    expect(atStatement).toMatchObject({ errno: 9501, sqlState: 'HY000', message: 'Timed-out waiting to acquire database connection' });
    expect(proxy.metrics()).toMatchObject({ DatabaseConnections: 2, DatabaseConnectionsBorrowTimeouts: 2 });
    // The client that got 9501 at statement time is still connected and works once a connection is free.
    await late.query('COMMIT');
    expect(await second.query('SELECT 1')).toBeDefined();
  });

  it('serves waiting borrowers in order as connections come back', async () => {
    const proxy = await world.proxy({ maxConnectionsPercent: 10, connectionBorrowTimeoutMs: 10_000 });
    const holder = await world.connect(proxy);
    const others = [await world.connect(proxy), await world.connect(proxy), await world.connect(proxy)];
    await holder.query('START TRANSACTION');

    const order: number[] = [];
    const pending = others.map((conn, i) => conn.query('SELECT 1').then(() => order.push(i)));
    await until(() => proxy.metrics().DatabaseConnectionsBorrowWaiting === 3);
    await holder.query('COMMIT');
    await Promise.all(pending);

    expect(order).toEqual([0, 1, 2]);
    expect(proxy.metrics().DatabaseConnectionsPeak).toBe(1);
  });

  it('closes idle database connections above maxIdleConnectionsPercent', async () => {
    const proxy = await world.proxy({ maxConnectionsPercent: 50, maxIdleConnectionsPercent: 10 });
    const clients = [await world.connect(proxy), await world.connect(proxy), await world.connect(proxy)];
    for (const conn of clients) await conn.query('START TRANSACTION');
    expect(proxy.metrics().DatabaseConnections).toBe(3);

    for (const conn of clients) await conn.query('COMMIT');
    await until(() => proxy.metrics().DatabaseConnections === 1);

    expect(proxy.metrics().DatabaseConnections).toBe(1);
  });

  it('disconnects clients idle longer than idleClientTimeoutMs, and only idle ones', async () => {
    const proxy = await world.proxy({ idleClientTimeoutMs: 300 });
    const idle = await world.connect(proxy);
    const busy = await world.connect(proxy);
    const closed = whenClosed(idle);

    const [rows] = await busy.query('SELECT SLEEP(0.6) AS slept');
    await closed;

    expect(rows).toEqual([{ slept: 0 }]);
    expect(await errorOf(idle.query('SELECT 1'))).toMatchObject({ message: expect.stringMatching(/closed state|Connection lost/) });
    expect(world.logs.some((l) => l.message.startsWith('The client connection closed. Reason: idle'))).toBe(true);
  });
});
