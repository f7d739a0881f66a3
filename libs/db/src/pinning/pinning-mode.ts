/**
 * `off`: no checks. `warn`: log statements that would pin. `strict`: throw
 * `PinningError` for statements that certainly pin.
 *
 * @example
 * const mode: PinningMode = process.env['CI'] ? 'strict' : defaultPinningMode();
 */
export type PinningMode = 'off' | 'warn' | 'strict';

/**
 * Every {@link PinningMode}.
 *
 * @example
 * PINNING_MODES.includes('warn'); // true
 */
export const PINNING_MODES: readonly PinningMode[] = ['off', 'warn', 'strict'];

/**
 * Name of the environment variable that overrides the guard mode: `off`,
 * `warn` or `strict`.
 *
 * @example
 * defaultPinningMode({ [PINNING_GUARD_ENV]: 'strict' }); // 'strict'
 */
export const PINNING_GUARD_ENV = 'DB_PINNING_GUARD';

/** NODE_ENV values understood by {@link defaultPinningMode}, with the mode each implies. */
const NODE_ENV_MODES: ReadonlyMap<string, PinningMode> = new Map([
  ['production', 'off'],
  ['development', 'warn'],
  ['test', 'warn'],
]);

/**
 * An environment variable with a value the pinning guard does not accept; the
 * message and `variable` name it.
 *
 * @example
 * try { defaultPinningMode({ NODE_ENV: 'prod' }); } catch (e) { if (e instanceof PinningConfigError) e.variable; } // 'NODE_ENV'
 */
export class PinningConfigError extends Error {
  override readonly name = 'PinningConfigError';
  readonly code = 'PINNING_CONFIG_INVALID';

  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
  }
}

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * The guard mode for an environment: `DB_PINNING_GUARD` if set (`off`, `warn`
 * or `strict`), otherwise from `NODE_ENV`: `production` → `off`;
 * `development`, `test` or unset → `warn`. Any other value of either variable
 * throws {@link PinningConfigError} naming the variable. Call it once at cold
 * start.
 *
 * Note: Lambda does not set NODE_ENV; a deployed function must set
 * `NODE_ENV=production` (or `DB_PINNING_GUARD=off`) to skip the checks.
 *
 * @example
 * defaultPinningMode({ NODE_ENV: 'production' }); // 'off'
 * defaultPinningMode({ NODE_ENV: 'production', DB_PINNING_GUARD: 'warn' }); // 'warn'
 * defaultPinningMode({ NODE_ENV: 'prod' }); // throws PinningConfigError('NODE_ENV must be one of ...')
 */
export function defaultPinningMode(env: Readonly<Record<string, string | undefined>> = process.env): PinningMode {
  const override = env[PINNING_GUARD_ENV]?.trim();
  if (override) {
    const mode = PINNING_MODES.find((m) => m === override);
    if (mode === undefined) {
      throw new PinningConfigError(PINNING_GUARD_ENV, `must be one of ${PINNING_MODES.join(', ')}, got ${shown(override)}`);
    }
    return mode;
  }
  const nodeEnv = env['NODE_ENV']?.trim();
  if (!nodeEnv) return 'warn';
  const mode = NODE_ENV_MODES.get(nodeEnv);
  if (mode === undefined) {
    throw new PinningConfigError(
      'NODE_ENV',
      `must be one of ${[...NODE_ENV_MODES.keys()].join(', ')} or unset (or set ${PINNING_GUARD_ENV}), got ${shown(nodeEnv)}`,
    );
  }
  return mode;
}
