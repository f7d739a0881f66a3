import { processWarningLogger, type DbLogger } from './db-logger';
import { findPinningReasons, type FindPinningOptions, type PinningCode, type PinningFinding } from '@serverless-app/rds-proxy-rules';
import { PinningError } from './pinning-error';
import type { PinningMode } from './pinning-mode';

/**
 * Options for {@link createPinningGuard}.
 *
 * @example
 * const options: PinningGuardOptions = { mode: 'warn', logger, onFinding: (f) => metrics.count(f.code) };
 */
export interface PinningGuardOptions {
  readonly mode: PinningMode;
  /** Where `warn` (and `strict`, for `may` findings) log. Default: {@link processWarningLogger}. */
  readonly logger?: DbLogger;
  /** Called with each finding (after `ignore`) in `warn` and `strict` mode, before any log or throw. */
  readonly onFinding?: (finding: PinningFinding) => void;
  /**
   * Codes to disregard, for example `['session-variable']` when the proxy has
   * the `EXCLUDE_VARIABLE_SETS` session pinning filter.
   */
  readonly ignore?: readonly PinningCode[];
}

/**
 * Counters since the guard was created.
 *
 * @example
 * const { checked, flagged } = guard.stats();
 */
export interface PinningStats {
  /** Texts analysed (0 in `off` mode). */
  readonly checked: number;
  /** Texts with at least one finding. */
  readonly flagged: number;
  /** Warnings logged. */
  readonly warnings: number;
  /** PinningErrors thrown. */
  readonly rejected: number;
  /** Findings per code. */
  readonly byCode: Readonly<Partial<Record<PinningCode, number>>>;
}

/**
 * Checks statements before they are sent through RDS Proxy.
 *
 * @example
 * const guard: PinningGuard = createPinningGuard({ mode: 'strict' });
 * guard.check(sql); // before pool.query(sql, values)
 */
export interface PinningGuard {
  readonly mode: PinningMode;
  /**
   * Analyses `sql` (the text as sent) and acts according to the mode.
   * Returns the findings (always `[]` in `off` mode, which analyses nothing).
   * In `strict` mode throws {@link PinningError} if any finding is `always`.
   */
  check(sql: string, options?: FindPinningOptions): readonly PinningFinding[];
  /** A snapshot of the counters. */
  stats(): PinningStats;
}

/**
 * The one log message a flagged text produces; findings go in the attributes.
 *
 * @example
 * lines.filter((line) => line.message === PINNING_WARNING_MESSAGE);
 */
export const PINNING_WARNING_MESSAGE = 'Statement would pin the RDS Proxy session';

/**
 * Creates a pinning guard.
 *
 * - `off`: does nothing, costs nothing;
 * - `warn`: logs one warning per flagged text, with the finding codes and
 *   messages (never the statement or its values) under the `pinning` key;
 * - `strict`: throws {@link PinningError} when any finding is certain
 *   (`always`); texts with only `may` findings (LAST_INSERT_ID(), ...) are
 *   logged as in `warn` and let through, since the docs say they pin only
 *   sometimes.
 *
 * @example
 * const guard = createPinningGuard({ mode: defaultPinningMode(), logger });
 * guard.check('SELECT id FROM users WHERE email = ?'); // []
 * guard.check('SELECT GET_LOCK(?, 5)'); // warn: logs; strict: throws PinningError
 * guard.stats().warnings; // 1 in warn mode
 */
export function createPinningGuard(options: PinningGuardOptions): PinningGuard {
  const { mode, onFinding } = options;
  const logger = options.logger ?? processWarningLogger;
  const ignored = new Set<PinningCode>(options.ignore ?? []);
  let checked = 0;
  let flagged = 0;
  let warnings = 0;
  let rejected = 0;
  const byCode: Partial<Record<PinningCode, number>> = {};

  const check = (sql: string, checkOptions?: FindPinningOptions): readonly PinningFinding[] => {
    if (mode === 'off') return [];
    checked += 1;
    const findings = findPinningReasons(sql, checkOptions).filter((f) => !ignored.has(f.code));
    if (findings.length === 0) return findings;
    flagged += 1;
    for (const finding of findings) {
      byCode[finding.code] = (byCode[finding.code] ?? 0) + 1;
      onFinding?.(finding);
    }
    if (mode === 'strict' && findings.some((f) => f.certainty === 'always')) {
      rejected += 1;
      throw new PinningError(findings);
    }
    warnings += 1;
    logger.warn(PINNING_WARNING_MESSAGE, {
      pinning: { codes: [...new Set(findings.map((f) => f.code))], findings },
    });
    return findings;
  };

  return {
    mode,
    check,
    stats: () => ({ checked, flagged, warnings, rejected, byCode: { ...byCode } }),
  };
}
