import { silentLogger } from '../logger';
import { resolveSecretsOptions, SECRETS_DEFAULTS, type SecretsManagerCredentialsOptions } from './options';

const base: SecretsManagerCredentialsOptions = { secretId: 'rds/app' };
const resolve = (overrides: Record<string, unknown>) => resolveSecretsOptions({ ...base, ...overrides } as SecretsManagerCredentialsOptions);

describe('resolveSecretsOptions', () => {
  it('applies the defaults', () => {
    const options = resolveSecretsOptions(base);

    expect(options).toMatchObject({ ...SECRETS_DEFAULTS, secretId: 'rds/app', clientConfig: {}, logger: silentLogger });
    expect(options).toMatchObject({ ttlMs: 900_000, refreshCooldownMs: 10_000, connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 2 });
    expect(options.fetchTimeoutMs).toBe(5_000);
    expect(options.now).toBe(Date.now);
    expect(options.random).toBe(Math.random);
  });

  it('derives the fetch deadline from the attempts and request timeout unless given', () => {
    expect(resolve({ maxAttempts: 3, requestTimeoutMs: 1_000 }).fetchTimeoutMs).toBe(4_000);
    expect(resolve({ maxAttempts: 10, requestTimeoutMs: 60_000 }).fetchTimeoutMs).toBe(300_000);
    expect(resolve({ fetchTimeoutMs: 1_500 }).fetchTimeoutMs).toBe(1_500);
  });

  it('keeps undefined options at their defaults', () => {
    expect(resolve({ ttlMs: undefined, logger: undefined }).ttlMs).toBe(900_000);
  });

  it.each([[undefined], [null], ['rds/app']])('rejects options %p with a TypeError', (options) => {
    expect(() => resolveSecretsOptions(options as unknown as SecretsManagerCredentialsOptions)).toThrow(new TypeError('options must be an object with a secretId'));
  });

  it.each([[undefined], [''], ['   '], [42], [{}]])('rejects secretId %p with a TypeError naming it', (secretId) => {
    expect(() => resolve({ secretId })).toThrow(TypeError);
    expect(() => resolve({ secretId })).toThrow('secretId must be a non-empty string');
  });

  it('rejects a secretId longer than an ARN can be', () => {
    expect(() => resolve({ secretId: 'a'.repeat(2049) })).toThrow(new RangeError('secretId must be at most 2048 characters, got 2049'));
  });

  it.each([
    ['ttlMs', 0],
    ['ttlMs', 86_400_001],
    ['ttlMs', 1.5],
    ['ttlMs', Number.NaN],
    ['refreshCooldownMs', 0],
    ['refreshCooldownMs', 3_600_001],
    ['backoffBaseMs', -1],
    ['backoffMaxMs', 3_600_001],
    ['connectionTimeoutMs', 0],
    ['connectionTimeoutMs', 60_001],
    ['requestTimeoutMs', 0],
    ['requestTimeoutMs', Number.POSITIVE_INFINITY],
    ['maxAttempts', 0],
    ['maxAttempts', 11],
    ['fetchTimeoutMs', 0],
    ['fetchTimeoutMs', 300_001],
  ])('rejects %s = %p with a RangeError naming it', (name, value) => {
    expect(() => resolve({ [name]: value })).toThrow(RangeError);
    expect(() => resolve({ [name]: value })).toThrow(new RegExp(`^${name} must be an integer from \\d+ to \\d+, got ${String(value)}$`));
  });

  it.each(['ttlMs', 'refreshCooldownMs', 'backoffBaseMs', 'backoffMaxMs', 'connectionTimeoutMs', 'requestTimeoutMs', 'maxAttempts', 'fetchTimeoutMs'])(
    'rejects a non-number %s with a TypeError naming it',
    (name) => {
      expect(() => resolve({ [name]: '1000' })).toThrow(new TypeError(`${name} must be a number, got string`));
    },
  );

  it('rejects backoffMaxMs below backoffBaseMs', () => {
    expect(() => resolve({ backoffBaseMs: 2_000, backoffMaxMs: 1_000 })).toThrow(new RangeError('backoffMaxMs must be at least backoffBaseMs (2000), got 1000'));
  });

  it.each([
    ['logger', {}, 'logger must have debug(), info(), warn() and error()'],
    ['logger', { debug: () => undefined, info: () => undefined, warn: 'no', error: () => undefined }, 'logger must have debug(), info(), warn() and error()'],
    ['now', 123, 'now must be a function'],
    ['random', 'x', 'random must be a function'],
    ['clientConfig', 'http://x', 'clientConfig must be an object'],
    ['clientConfig', { endpoint: 'localhost:4566' }, 'clientConfig.endpoint must be an http(s) URL'],
    ['clientConfig', { region: '' }, 'clientConfig.region must be a non-empty string'],
    ['clientConfig', { credentials: { accessKeyId: 'AKID' } }, 'clientConfig.credentials needs accessKeyId and secretAccessKey strings'],
    ['clientConfig', { credentials: null }, 'clientConfig.credentials needs accessKeyId and secretAccessKey strings'],
  ])('rejects %s %p with a TypeError', (name, value, message) => {
    expect(() => resolve({ [name]: value })).toThrow(new TypeError(message));
  });

  it('accepts a complete clientConfig', () => {
    const clientConfig = { endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'not-secret' } };
    expect(resolve({ clientConfig }).clientConfig).toEqual(clientConfig);
  });
});
