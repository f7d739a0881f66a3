import { createDbClient } from './client';
import { staticCredentials } from './credentials';
import { DatabaseUnavailableError } from './errors';
import { startFakeProxy } from './fake-proxy.test-util';

const BORROW_TIMEOUT = { errno: 9501, message: 'Timed-out waiting to acquire database connection' };

const clientOn = (port: number) =>
  createDbClient({
    host: '127.0.0.1',
    port,
    database: 'app',
    credentials: staticCredentials({ username: 'app', password: 'pw' }),
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100, budgetMs: 2_000 },
    pinning: 'off',
  });

describe('RDS Proxy borrow timeout (9501)', () => {
  it('retries, then fails with DatabaseUnavailableError and a retry hint', async () => {
    const proxy = await startFakeProxy({ failHandshakes: Number.MAX_SAFE_INTEGER, ...BORROW_TIMEOUT });
    const db = clientOn(proxy.port);
    try {
      const error = await db.query('SELECT 1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ errno: 9501, attempts: 4 });
      expect((error as DatabaseUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(proxy.handshakes()).toBe(4);
    } finally {
      await db.close();
      await proxy.close();
    }
  });

  it('succeeds once the proxy lends a connection within the retry budget', async () => {
    const proxy = await startFakeProxy({ failHandshakes: 2, ...BORROW_TIMEOUT });
    const db = clientOn(proxy.port);
    try {
      expect(await db.query('SELECT 1 AS v')).toEqual([{ v: 1 }]);
      expect(db.stats().retries).toBe(2);
    } finally {
      await db.close();
      await proxy.close();
    }
  });

  it('at statement time: runs a read again on a fresh connection', async () => {
    const proxy = await startFakeProxy({ failHandshakes: 0, failQueries: 1, ...BORROW_TIMEOUT });
    const db = clientOn(proxy.port);
    try {
      expect(await db.query('SELECT 1 AS v')).toEqual([{ v: 1 }]);
      expect(db.stats().readsReplayed).toBe(1);
      expect(proxy.queries()).toBe(2);
    } finally {
      await db.close();
      await proxy.close();
    }
  });

  it('at statement time: fails a write as unavailable (it did not run) without sending it again', async () => {
    const proxy = await startFakeProxy({ failHandshakes: 0, failQueries: 1, ...BORROW_TIMEOUT });
    const db = clientOn(proxy.port);
    try {
      const error = await db.run('UPDATE t SET v = 2').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(error).toMatchObject({ errno: 9501, reason: 'busy' });
      expect(proxy.queries()).toBe(1);
    } finally {
      await db.close();
      await proxy.close();
    }
  });
});
