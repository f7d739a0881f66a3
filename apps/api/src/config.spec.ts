import { ConfigError, loadConfig, loadMigrateConfig, MAX_RETRY_BUDGET_MS } from './config';

const valid = {
  DB_SECRET_ID: 'serverless-app-rds-secret',
  DB_HOST: 'serverless-app-rds-proxy.proxy-abc.us-east-1.rds.amazonaws.com',
  DB_NAME: 'app',
};

describe('loadConfig', () => {
  it('reads a valid environment with defaults', () => {
    expect(loadConfig(valid)).toEqual({
      secretId: 'serverless-app-rds-secret',
      dbHost: valid.DB_HOST,
      dbPort: 3306,
      dbName: 'app',
      dbTls: 'verify',
      logLevel: 'INFO',
      secretCacheTtlMs: 900_000,
      iamAuth: undefined,
      pinning: 'warn',
    });
  });

  it('turns the pinning guard off in production', () => {
    expect(loadConfig({ ...valid, NODE_ENV: 'production' }).pinning).toBe('off');
  });

  it('reads IAM auth settings', () => {
    expect(loadConfig({ ...valid, DB_IAM_AUTH: 'true', DB_USER: 'app', AWS_REGION: 'eu-west-1', SECRET_CACHE_TTL_MS: '60000' })).toMatchObject({
      iamAuth: { username: 'app', region: 'eu-west-1' },
      secretCacheTtlMs: 60_000,
    });
  });

  it('defaults TLS off for a loopback host', () => {
    expect(loadConfig({ ...valid, DB_HOST: '127.0.0.1', DB_PORT: '33061' })).toMatchObject({ dbTls: 'off', dbPort: 33061 });
  });

  it.each([
    [{ ...valid, DB_SECRET_ID: undefined }, 'DB_SECRET_ID is required but not set'],
    [{ ...valid, DB_HOST: '  ' }, 'DB_HOST is required but not set'],
    [{ ...valid, DB_NAME: '' }, 'DB_NAME is required but not set'],
    [{ ...valid, DB_PORT: '3306x' }, 'DB_PORT must be a port number between 1 and 65535, got "3306x"'],
    [{ ...valid, DB_PORT: '70000' }, 'DB_PORT must be a port number'],
    [{ ...valid, DB_TLS: 'maybe' }, 'DB_TLS must be one of verify, off, got "maybe"'],
    [{ ...valid, DB_TLS: 'off' }, 'DB_TLS may be "off" only for a loopback DB_HOST'],
    [{ ...valid, DB_HOST: '10.0.3.7' }, 'DB_TLS "verify" needs the host name the certificate was issued for (the RDS Proxy endpoint), not the IP address 10.0.3.7'],
    [{ ...valid, DB_HOST: '127.0.0.1', DB_TLS: 'verify' }, 'DB_TLS "verify" needs the host name'],
    [{ ...valid, LOG_LEVEL: 'TRACE' }, 'LOG_LEVEL must be one of DEBUG, INFO, WARN, ERROR'],
    [{ ...valid, SECRET_CACHE_TTL_MS: '10' }, 'SECRET_CACHE_TTL_MS must be a whole number between 1000 and 86400000, got "10"'],
    [{ ...valid, SECRET_CACHE_TTL_MS: '1e6' }, 'SECRET_CACHE_TTL_MS must be a whole number'],
    [{ ...valid, DB_IAM_AUTH: 'yes' }, 'DB_IAM_AUTH must be one of true, false'],
    [{ ...valid, DB_PINNING_GUARD: 'loud' }, 'DB_PINNING_GUARD'],
    [{ ...valid, DB_IAM_AUTH: 'true', AWS_REGION: 'eu-west-1' }, 'DB_USER is required but not set'],
    [{ ...valid, DB_IAM_AUTH: 'true', DB_USER: 'app' }, 'AWS_REGION is required but not set'],
    [{ ...valid, DB_HOST: '127.0.0.1', DB_IAM_AUTH: 'true', DB_USER: 'app', AWS_REGION: 'x' }, 'DB_IAM_AUTH needs TLS'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadMigrateConfig', () => {
  const migrate = { ...valid, DB_SECRET_ID: 'serverless-app-rds-secret', DB_APP_SECRET_ID: 'serverless-app-rds-app-secret' };

  it('reads the api\'s variables, the app user\'s secret and the retry budget', () => {
    expect(loadMigrateConfig(migrate)).toEqual({ ...loadConfig(migrate), appSecretId: 'serverless-app-rds-app-secret', retryBudgetMs: 200_000 });
    expect(loadMigrateConfig({ ...migrate, MIGRATE_RETRY_BUDGET_MS: '720000' }).retryBudgetMs).toBe(720_000);
  });

  it('allows a retry budget that fits Lambda\'s 15 minutes with time to migrate', () => {
    expect(MAX_RETRY_BUDGET_MS).toBeLessThanOrEqual(13 * 60_000);
  });

  it.each([
    [{ ...migrate, DB_APP_SECRET_ID: undefined }, 'DB_APP_SECRET_ID is required but not set'],
    [{ ...migrate, DB_APP_SECRET_ID: ' ' }, 'DB_APP_SECRET_ID is required but not set'],
    [{ ...migrate, DB_APP_SECRET_ID: 'serverless-app-rds-secret' }, 'DB_APP_SECRET_ID must name the app user\'s secret, not the administrator\'s DB_SECRET_ID'],
    [{ ...migrate, MIGRATE_RETRY_BUDGET_MS: '900000' }, 'MIGRATE_RETRY_BUDGET_MS must be a whole number between 0 and 780000, got "900000"'],
    [{ ...migrate, MIGRATE_RETRY_BUDGET_MS: '12m' }, 'MIGRATE_RETRY_BUDGET_MS must be a whole number'],
    [{ ...migrate, DB_SECRET_ID: undefined }, 'DB_SECRET_ID is required but not set'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadMigrateConfig(env)).toThrow(ConfigError);
    expect(() => loadMigrateConfig(env)).toThrow(message);
  });
});
