import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { createDbClient, type DbClient } from './client';
import type { CredentialsProvider } from './credentials';
import { DatabaseAuthError, DatabaseUnavailableError } from './errors';
import { captureLogger } from './integration.test-util';

jest.setTimeout(60_000);

let server: MysqlServer;
let db: DbClient;

beforeAll(async () => {
  server = await startMysql();
});
afterAll(() => server?.stop());
afterEach(() => {
  jest.useRealTimers();
  return db?.close();
});

/** A provider whose password is wrong, counting every call it gets. */
function wrongPassword() {
  const calls = { get: 0, refresh: 0, pending: 0 };
  const wrong = { username: server.app.user, password: 'not-the-password-7f3a' };
  const provider: CredentialsProvider = {
    get: async () => (calls.get++, wrong),
    refresh: async () => (calls.refresh++, wrong),
    pending: async () => (calls.pending++, undefined),
  };
  return { provider, calls, wrong };
}

const clientWith = (provider: CredentialsProvider, authFailureCooldownMs: number, logger = captureLogger().logger) =>
  createDbClient({
    host: server.host,
    port: server.port,
    database: server.database,
    credentials: provider,
    authFailureCooldownMs,
    logger,
    pinning: 'off',
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, budgetMs: 3_000 },
  });

it('refreshes once for a password that stays wrong, then answers 1045s at once during the cool-down', async () => {
  const { provider, calls, wrong } = wrongPassword();
  const capture = captureLogger();
  db = clientWith(provider, 60_000, capture.logger);

  const first = await db.query('SELECT 1').catch((e: unknown) => e);
  const later = await Promise.all(Array.from({ length: 10 }, () => db.query('SELECT 1').catch((e: unknown) => e)));

  expect(first).toBeInstanceOf(DatabaseAuthError);
  expect(later.every((e) => e instanceof DatabaseAuthError)).toBe(true);
  // One refresh round for the whole burst: AWSCURRENT once, AWSPENDING once.
  expect(calls).toMatchObject({ refresh: 1, pending: 1 });
  expect(db.stats()).toMatchObject({ credentialRefreshes: 1, credentialRefreshFailures: 1, authFailuresShortCircuited: 10 });
  expect(capture.text()).not.toContain(wrong.password);
});

it('counts and logs a refresh that did not help once, however many callers it failed', async () => {
  const { provider, calls } = wrongPassword();
  const capture = captureLogger();
  db = clientWith(provider, 60_000, capture.logger);

  const burst = await Promise.all(Array.from({ length: 6 }, () => db.query('SELECT 1').catch((e: unknown) => e)));

  expect(burst.every((e) => e instanceof DatabaseAuthError)).toBe(true);
  expect(calls.refresh).toBe(1);
  expect(db.stats()).toMatchObject({ credentialRefreshes: 1, credentialRefreshFailures: 1 });
  expect(capture.lines.filter((l) => l.message === 'database rejected the credentials, also after refreshing them')).toHaveLength(1);
});

it('tries one refresh again once the cool-down is over', async () => {
  const { provider, calls } = wrongPassword();
  db = clientWith(provider, 300);

  await db.query('SELECT 1').catch(() => undefined);
  await db.query('SELECT 1').catch(() => undefined);
  expect(calls.refresh).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const error = await db.query('SELECT 1').catch((e: unknown) => e);

  expect(error).toBeInstanceOf(DatabaseAuthError);
  expect(calls.refresh).toBe(2);
});

it('recovers as soon as the refreshed credentials work', async () => {
  let password = 'stale-password';
  const provider: CredentialsProvider = {
    get: async () => ({ username: server.app.user, password }),
    refresh: async () => ({ username: server.app.user, password: (password = server.app.password) }),
  };
  db = clientWith(provider, 60_000);

  await expect(db.query('SELECT 5 AS v')).resolves.toEqual([{ v: 5 }]);
  expect(db.stats()).toMatchObject({ credentialRefreshes: 1, credentialRefreshFailures: 0, authFailuresShortCircuited: 0 });
});

it('answers unavailable (not an auth error) when the credentials cannot be refreshed', async () => {
  const provider: CredentialsProvider = {
    get: async () => ({ username: server.app.user, password: 'wrong' }),
    refresh: async () => {
      throw Object.assign(new Error('Secrets Manager is down'), { name: 'InternalServiceError' });
    },
  };
  db = clientWith(provider, 60_000);

  const errors = await Promise.all(Array.from({ length: 6 }, () => db.query('SELECT 1').catch((e: unknown) => e)));

  for (const error of errors) {
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ reason: 'credentials' });
  }
  // Six callers shared one refresh that failed: one refresh, one failure, the other five answered at once.
  expect(db.stats()).toMatchObject({ credentialRefreshes: 1, credentialRefreshFailures: 1, authFailuresShortCircuited: 5 });
});

it('asks the provider again once the failed refresh is no longer shared', async () => {
  // Only the clock is faked: the driver's sockets and timers run for real.
  jest.useFakeTimers({ now: Date.now(), doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'performance', 'hrtime'] });
  let refreshes = 0;
  const provider: CredentialsProvider = {
    get: async () => ({ username: server.app.user, password: 'wrong' }),
    refresh: async () => {
      refreshes++;
      if (refreshes === 1) throw Object.assign(new Error('Secrets Manager is down'), { name: 'InternalServiceError' });
      return { username: server.app.user, password: server.app.password };
    },
  };
  db = createDbClient({ host: server.host, port: server.port, database: server.database, credentials: provider, pinning: 'off' });

  await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
  await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
  expect(refreshes).toBe(1);
  jest.setSystemTime(Date.now() + 5_001);
  await expect(db.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  expect(refreshes).toBe(2);
  jest.useRealTimers();
});
