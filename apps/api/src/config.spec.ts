import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { ConfigError, loadConfig, loadMigrateConfig, MAX_RETRY_BUDGET_MS } from './config';

const valid = {
  DB_SECRET_ID: 'serverless-app-rds-secret',
  DB_HOST: 'serverless-app-rds-proxy.proxy-abc.us-east-1.rds.amazonaws.com',
  DB_NAME: 'app',
  STAGE: 'dev',
};

describe('loadConfig', () => {
  it('reads a valid environment with defaults', () => {
    expect(loadConfig(valid)).toEqual({
      secretId: 'serverless-app-rds-secret',
      dbHost: valid.DB_HOST,
      dbPort: 3306,
      dbName: 'app',
      dbTls: 'verify',
      dbTlsCa: undefined,
      logLevel: 'INFO',
      secretCacheTtlMs: 900_000,
      iamAuth: undefined,
      pinning: 'warn',
      stage: 'dev',
      tracing: 'off',
      metricsFlushMs: 1_000,
    });
  });

  it('reads the stage, turns tracing on and sets how long metrics are summed', () => {
    expect(loadConfig({ ...valid, STAGE: 'prod_eu-1', TRACING: 'on', METRICS_FLUSH_MS: '0' })).toMatchObject({ stage: 'prod_eu-1', tracing: 'on', metricsFlushMs: 0 });
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
    [{ ...valid, STAGE: undefined }, 'STAGE is required but not set'],
    [{ ...valid, STAGE: ' ' }, 'STAGE is required but not set'],
    [{ ...valid, STAGE: 'dev stage' }, 'STAGE must be 1-64 letters, digits, hyphens or underscores, got "dev stage"'],
    [{ ...valid, STAGE: 'prod/eu' }, 'STAGE must be 1-64 letters'],
    [{ ...valid, STAGE: 'x'.repeat(65) }, 'STAGE must be 1-64 letters'],
    [{ ...valid, TRACING: 'true' }, 'TRACING must be one of on, off, got "true"'],
    [{ ...valid, METRICS_FLUSH_MS: '-1' }, 'METRICS_FLUSH_MS must be a whole number between 0 and 60000, got "-1"'],
    [{ ...valid, METRICS_FLUSH_MS: '60001' }, 'METRICS_FLUSH_MS must be a whole number between 0 and 60000'],
    [{ ...valid, METRICS_FLUSH_MS: '1s' }, 'METRICS_FLUSH_MS must be a whole number'],
    [{ ...valid, DB_PINNING_GUARD: 'loud' }, 'DB_PINNING_GUARD'],
    [{ ...valid, DB_IAM_AUTH: 'true', AWS_REGION: 'eu-west-1' }, 'DB_USER is required but not set'],
    [{ ...valid, DB_IAM_AUTH: 'true', DB_USER: 'app' }, 'AWS_REGION is required but not set'],
    [{ ...valid, DB_HOST: '127.0.0.1', DB_IAM_AUTH: 'true', DB_USER: 'app', AWS_REGION: 'x' }, 'DB_IAM_AUTH needs TLS'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('loadConfig: DB_TLS_CA_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'api-config-ca-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  // Real certificates without writing any: Node's bundled roots are PEM strings.
  const [first, second] = [rootCertificates[0] as string, rootCertificates[1] as string];
  const local = { ...valid, DB_HOST: 'localhost', DB_PORT: '40123', DB_TLS: 'verify' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is unset by default: verified TLS trusts the Amazon roots bundled in libs/db', () => {
    expect(loadConfig(valid).dbTlsCa).toBeUndefined();
    expect(loadConfig({ ...valid, DB_TLS_CA_FILE: '  ' }).dbTlsCa).toBeUndefined();
  });

  it('reads the certificates of the file at load time, with DB_TLS=verify, also on localhost', () => {
    const path = file('ca.pem', `# the local proxy's CA\n${first}\n`);

    expect(loadConfig({ ...local, DB_TLS_CA_FILE: path })).toMatchObject({ dbHost: 'localhost', dbTls: 'verify', dbTlsCa: [first.trim()] });
  });

  it('keeps every certificate of a bundle, and only the certificates', () => {
    const path = file('bundle.pem', `${first}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n${second}\n`);

    expect(loadConfig({ ...local, DB_TLS_CA_FILE: path }).dbTlsCa).toEqual([first.trim(), second.trim()]);
  });

  it('is read once: a file changed afterwards does not change the loaded config', () => {
    const path = file('once.pem', first);
    const config = loadConfig({ ...local, DB_TLS_CA_FILE: path });
    writeFileSync(path, 'gone');

    expect(config.dbTlsCa).toEqual([first.trim()]);
  });

  it.each([
    [() => ({ ...local, DB_TLS: undefined, DB_TLS_CA_FILE: file('a.pem', first) }), 'DB_TLS_CA_FILE may be set only with DB_TLS=verify (TLS is "off")'],
    [() => ({ ...local, DB_TLS: 'off', DB_TLS_CA_FILE: file('b.pem', first) }), 'DB_TLS_CA_FILE may be set only with DB_TLS=verify'],
    [() => ({ ...local, DB_TLS_CA_FILE: join(dir, 'missing.pem') }), `DB_TLS_CA_FILE cannot be read: "${join(dir, 'missing.pem')}" (ENOENT)`],
    [() => ({ ...local, DB_TLS_CA_FILE: dir }), `DB_TLS_CA_FILE cannot be read: "${dir}" (EISDIR)`],
    [() => ({ ...local, DB_TLS_CA_FILE: file('empty.pem', '') }), 'DB_TLS_CA_FILE must name a file with a PEM certificate;'],
    [() => ({ ...local, DB_TLS_CA_FILE: file('key.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n') }), 'has none'],
    [() => ({ ...local, DB_TLS_CA_FILE: file('der.pem', Buffer.from([0x30, 0x82, 0x01, 0x0a]).toString('latin1')) }), 'has none'],
    [
      () => ({ ...local, DB_TLS_CA_FILE: file('broken.pem', `${first}\n-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n`) }),
      'DB_TLS_CA_FILE must name a file of valid PEM certificates; certificate 2 of',
    ],
  ])('rejects a bad file or setting naming the variable (%#)', (env, message) => {
    const variables = env();

    const error = thrown(() => loadConfig(variables));

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(message);
    expect((error as ConfigError).variable).toBe('DB_TLS_CA_FILE');
  });
});

describe('loadMigrateConfig', () => {
  const migrate = { ...valid, DB_SECRET_ID: 'serverless-app-rds-secret', DB_APP_SECRET_ID: 'serverless-app-rds-app-secret' };

  it('reads the api\'s variables, the app user\'s secret and the retry budget', () => {
    const { stage: _stage, tracing: _tracing, metricsFlushMs: _flush, ...database } = loadConfig(migrate);
    expect(loadMigrateConfig(migrate)).toEqual({ ...database, appSecretId: 'serverless-app-rds-app-secret', retryBudgetMs: 200_000 });
    expect(loadMigrateConfig({ ...migrate, STAGE: undefined })).toEqual(loadMigrateConfig(migrate)); // the runner emits no metrics
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
