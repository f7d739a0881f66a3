import { createDbClient, type DbClientOptions, lazyDbClient } from './client';
import { staticCredentials } from './credentials';

const valid: DbClientOptions = {
  host: 'proxy.example.com',
  database: 'app',
  credentials: staticCredentials({ username: 'app', password: 'pw' }),
  pinning: 'off',
};
const tokens = { get: async () => 'token', invalidate: () => undefined };

describe('createDbClient options', () => {
  it('accepts valid options without connecting', async () => {
    const db = createDbClient(valid);

    expect(db.stats()).toEqual({
      pool: { open: 0, idle: 0, waiting: 0, limit: 2 },
      retries: 0,
      credentialRefreshes: 0,
      credentialRefreshFailures: 0,
      authFailuresShortCircuited: 0,
      staleConnectionsReplaced: 0,
      readsReplayed: 0,
      outcomeUnknown: 0,
      poolWaitMs: 0,
      pinningWarnings: 0,
    });
    await db.close();
  });

  it.each<[string, Partial<DbClientOptions>, string]>([
    ['empty host', { host: ' ' }, 'host must be a non-empty string'],
    ['empty database', { database: '' }, 'database must be a non-empty string'],
    ['bad port', { port: 0 }, 'port must be between 1 and 65535'],
    ['no credentials', { credentials: undefined }, 'credentials must have get() and refresh()'],
    ['half a provider', { credentials: { get: async () => ({ username: 'u', password: 'p' }) } as never }, 'credentials must have get() and refresh()'],
    ['zero connections', { pool: { connectionLimit: 0 } }, 'pool.connectionLimit must be an integer ≥ 1'],
    ['fractional timeout', { pool: { connectTimeoutMs: 1.5 } }, 'pool.connectTimeoutMs must be an integer'],
    ['zero statement timeout', { statementTimeoutMs: 0 }, 'statementTimeoutMs must be an integer ≥ 1'],
    ['zero attempts', { retry: { maxAttempts: 0 } }, 'retry.maxAttempts must be at least 1'],
    ['unknown server time limit', { serverTimeLimit: 'on' as never }, "serverTimeLimit must be 'auto' or 'off'"],
    ['an instrument that is no function', { instrument: {} as never }, 'instrument must be a function'],
    ['negative auth cool-down', { authFailureCooldownMs: -1 }, 'authFailureCooldownMs must be an integer ≥ 0'],
    ['IAM without TLS', { host: '127.0.0.1', iamAuth: { username: 'app', tokens } }, 'iamAuth requires TLS'],
    ['IAM without a user', { iamAuth: { username: '', tokens } }, 'iamAuth needs a username and a token source'],
    ['bad pinning env', { pinning: undefined }, 'DB_PINNING_GUARD'],
  ])('rejects %s', (_name, override, message) => {
    const env = process.env['DB_PINNING_GUARD'];
    process.env['DB_PINNING_GUARD'] = override.pinning === undefined && 'pinning' in override ? 'loud' : env ?? '';
    if (process.env['DB_PINNING_GUARD'] === '') delete process.env['DB_PINNING_GUARD'];
    try {
      expect(() => createDbClient({ ...valid, ...override })).toThrow(message);
    } finally {
      if (env === undefined) delete process.env['DB_PINNING_GUARD'];
      else process.env['DB_PINNING_GUARD'] = env;
    }
  });

  it('refuses a deadline that is not a finite time', async () => {
    const db = createDbClient(valid);

    expect(() => db.withDeadline(Number.NaN)).toThrow('deadline must be a finite epoch time in ms');
    expect(() => db.withDeadline(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    await db.close();
  });

  it('takes IAM auth without a password provider', async () => {
    const db = createDbClient({ ...valid, credentials: undefined, iamAuth: { username: 'app', tokens } });

    expect(db.stats().pool.limit).toBe(2);
    await db.close();
  });
});

describe('lazyDbClient', () => {
  it('creates the client once for concurrent first calls, and retries a failed setup', async () => {
    let made = 0;
    const getDb = lazyDbClient(async () => {
      made++;
      if (made === 1) throw new Error('config not ready');
      return createDbClient(valid);
    });

    await expect(getDb()).rejects.toThrow('config not ready');
    const [a, b] = await Promise.all([getDb(), getDb()]);

    expect(a).toBe(b);
    expect(made).toBe(2);
    await a.close();
  });
});
