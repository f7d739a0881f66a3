import { checkSecretRegistration, resolveProxyOptions, type LocalRdsProxyOptions } from './options';

const valid: LocalRdsProxyOptions = { target: { host: '127.0.0.1', port: 3306 }, secrets: ['rds/app'] };

describe('resolveProxyOptions', () => {
  it('applies RDS Proxy defaults', () => {
    expect(resolveProxyOptions(valid)).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      requireTls: false,
      defaultAuthType: 'MYSQL_CACHING_SHA2_PASSWORD',
      maxConnectionsPercent: 100,
      maxIdleConnectionsPercent: 50,
      connectionBorrowTimeoutMs: 120_000,
      idleClientTimeoutMs: 1_800_000,
      secretCacheTtlMs: 10_000,
      metricsPort: 0,
    });
  });

  it('caps the idle default at maxConnectionsPercent', () => {
    expect(resolveProxyOptions({ ...valid, maxConnectionsPercent: 20 }).maxIdleConnectionsPercent).toBe(20);
  });

  it.each<[Partial<Record<keyof LocalRdsProxyOptions, unknown>> & Record<string, unknown>, RegExp]>([
    [{ target: undefined }, /target must be \{ host, port \}/],
    [{ target: { host: '', port: 1 } }, /target.host must be a non-empty string/],
    [{ target: { host: 'db', port: 70_000 } }, /target.port must be an integer from 1 to 65535, got 70000/],
    [{ target: { host: 'db' } }, /target.port must be an integer/],
    [{ secrets: [] }, /secrets must list at least one secret id/],
    [{ secrets: [''] }, /secrets\[0\] must be a non-empty string/],
    [{ secrets: [{ secretId: 'a', clientPasswordAuthType: 'PLAIN' }] }, /secrets\[0\].clientPasswordAuthType must be one of MYSQL_NATIVE_PASSWORD, MYSQL_CACHING_SHA2_PASSWORD/],
    [{ secrets: [{ secretId: 'a', extra: 1 }] }, /secrets\[0\] has unknown key\(s\): extra/],
    [{ secrets: [42] }, /secrets\[0\] must be a secret id or/],
    [{ maxConnectionsPercent: 0 }, /maxConnectionsPercent must be an integer from 1 to 100, got 0/],
    [{ maxConnectionsPercent: 50, maxIdleConnectionsPercent: 60 }, /maxIdleConnectionsPercent must be an integer from 0 to 50, got 60/],
    [{ connectionBorrowTimeoutMs: 300_001 }, /connectionBorrowTimeoutMs must be an integer from 1 to 300000/],
    [{ idleClientTimeoutMs: 1.5 }, /idleClientTimeoutMs must be an integer/],
    [{ port: -1 }, /port must be an integer from 0 to 65535/],
    [{ tls: 'yes' }, /tls must be true or false/],
    [{ tls: false, requireTls: true }, /requireTls needs tls: true/],
    [{ defaultAuthType: 'mysql_native_password' }, /defaultAuthType must be one of/],
    [{ logger: { info: () => undefined } }, /logger must have a debug\(\) method/],
    [{ maxConnections: 5 }, /unknown option\(s\): maxConnections/],
  ])('refuses %j', (change, message) => {
    expect(() => resolveProxyOptions({ ...valid, ...change } as LocalRdsProxyOptions)).toThrow(message);
    expect(() => resolveProxyOptions({ ...valid, ...change } as LocalRdsProxyOptions)).toThrow(TypeError);
  });

  it('accepts a registration with or without an auth type', () => {
    expect(checkSecretRegistration('rds/app')).toBe('rds/app');
    expect(checkSecretRegistration({ secretId: 'rds/app' })).toEqual({ secretId: 'rds/app' });
    expect(checkSecretRegistration({ secretId: 'rds/app', clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD' })).toEqual({
      secretId: 'rds/app',
      clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD',
    });
  });
});
