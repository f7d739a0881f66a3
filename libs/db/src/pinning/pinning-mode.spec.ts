import { defaultPinningMode, PinningConfigError } from './pinning-mode';

describe('defaultPinningMode', () => {
  it.each([
    [{ NODE_ENV: 'production' }, 'off'],
    [{ NODE_ENV: 'development' }, 'warn'],
    [{ NODE_ENV: 'test' }, 'warn'],
    [{}, 'warn'],
    [{ NODE_ENV: ' ' }, 'warn'],
    [{ NODE_ENV: 'production', DB_PINNING_GUARD: 'strict' }, 'strict'],
    [{ NODE_ENV: 'production', DB_PINNING_GUARD: 'warn' }, 'warn'],
    [{ NODE_ENV: 'development', DB_PINNING_GUARD: 'off' }, 'off'],
    [{ NODE_ENV: 'staging', DB_PINNING_GUARD: 'warn' }, 'warn'],
  ])('%j → %s', (env, mode) => {
    expect(defaultPinningMode(env)).toBe(mode);
  });

  it.each([
    [{ NODE_ENV: 'prod' }, 'NODE_ENV', 'NODE_ENV must be one of production, development, test or unset (or set DB_PINNING_GUARD), got "prod"'],
    [{ NODE_ENV: 'Production' }, 'NODE_ENV', 'got "Production"'],
    [{ DB_PINNING_GUARD: 'loud' }, 'DB_PINNING_GUARD', 'DB_PINNING_GUARD must be one of off, warn, strict, got "loud"'],
  ])('rejects %j naming %s', (env, variable, message) => {
    // Act
    const act = (): unknown => defaultPinningMode(env);

    // Assess
    expect(act).toThrow(PinningConfigError);
    expect(act).toThrow(message);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({ name: 'PinningConfigError', code: 'PINNING_CONFIG_INVALID', variable });
    }
  });

  it('reads process.env by default', () => {
    // Prepare
    const saved = process.env['DB_PINNING_GUARD'];
    process.env['DB_PINNING_GUARD'] = 'strict';
    try {
      // Act / Assess
      expect(defaultPinningMode()).toBe('strict');
    } finally {
      if (saved === undefined) delete process.env['DB_PINNING_GUARD'];
      else process.env['DB_PINNING_GUARD'] = saved;
    }
  });
});
