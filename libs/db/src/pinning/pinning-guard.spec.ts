import type { DbLogger } from './db-logger';
import type { PinningFinding } from '@serverless-app/rds-proxy-rules';
import { PinningError } from './pinning-error';
import { createPinningGuard, PINNING_WARNING_MESSAGE } from './pinning-guard';

const PINS = "SELECT GET_LOCK('tenant-7-secret', 10)";
const MAY_PIN = 'SELECT LAST_INSERT_ID()';
const CLEAN = 'SELECT id FROM users WHERE email = ?';

function recordingLogger(): DbLogger & { calls: Array<[string, Record<string, unknown>]> } {
  const calls: Array<[string, Record<string, unknown>]> = [];
  return { calls, warn: (message, attributes) => void calls.push([message, attributes]) };
}

describe('createPinningGuard', () => {
  describe('warn mode', () => {
    it('logs one warning per flagged statement, with codes and findings but no values', () => {
      // Prepare
      const logger = recordingLogger();
      const guard = createPinningGuard({ mode: 'warn', logger });

      // Act
      const findings = guard.check(`${PINS}; SET @token = 'abc123'`);

      // Assess
      expect(findings).toHaveLength(2);
      expect(logger.calls).toEqual([
        [
          PINNING_WARNING_MESSAGE,
          {
            pinning: {
              codes: ['get-lock', 'user-variable'],
              findings: [
                expect.objectContaining({ code: 'get-lock', certainty: 'always', statementIndex: 0 }),
                expect.objectContaining({ code: 'user-variable', certainty: 'always', statementIndex: 1 }),
              ],
            },
          },
        ],
      ]);
      expect(JSON.stringify(logger.calls)).not.toMatch(/tenant-7-secret|abc123/);
    });

    it('stays silent for a clean statement', () => {
      const logger = recordingLogger();
      const guard = createPinningGuard({ mode: 'warn', logger });

      expect(guard.check(CLEAN)).toEqual([]);
      expect(logger.calls).toEqual([]);
    });

    it('counts checks, flags, warnings and codes', () => {
      // Prepare
      const guard = createPinningGuard({ mode: 'warn', logger: recordingLogger() });

      // Act
      guard.check(CLEAN);
      guard.check(PINS);
      guard.check(PINS);
      guard.check(MAY_PIN);

      // Assess
      expect(guard.stats()).toEqual({ checked: 4, flagged: 3, warnings: 3, rejected: 0, byCode: { 'get-lock': 2, 'last-insert-id': 1 } });
    });

    it('returns a stats snapshot that later checks do not change', () => {
      const guard = createPinningGuard({ mode: 'warn', logger: recordingLogger() });
      const before = guard.stats();

      guard.check(PINS);

      expect(before).toEqual({ checked: 0, flagged: 0, warnings: 0, rejected: 0, byCode: {} });
    });

    it('falls back to a Node.js process warning when no logger is given', () => {
      // Prepare
      const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const guard = createPinningGuard({ mode: 'warn' });

      // Act
      guard.check(PINS);

      // Assess
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit).toHaveBeenCalledWith(
        PINNING_WARNING_MESSAGE,
        expect.objectContaining({ type: 'RdsProxyPinningWarning', code: 'RDS_PROXY_PINNING', detail: expect.stringContaining('get-lock') }),
      );
    });
  });

  describe('strict mode', () => {
    it('throws PinningError with the findings for a statement that always pins', () => {
      // Prepare
      const logger = recordingLogger();
      const guard = createPinningGuard({ mode: 'strict', logger });

      // Act
      let thrown: unknown;
      try {
        guard.check(`${PINS}; SELECT ROW_COUNT()`);
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(PinningError);
      expect(thrown).toBeInstanceOf(Error);
      const error = thrown as PinningError;
      expect(error.name).toBe('PinningError');
      expect(error.code).toBe('RDS_PROXY_PINNING');
      expect(error.findings.map((f) => `${f.code}:${f.certainty}`)).toEqual(['get-lock:always', 'row-count:may']);
      expect(error.message).toContain('[get-lock]');
      expect(error.message).not.toContain('tenant-7-secret');
      expect(logger.calls).toEqual([]);
      expect(guard.stats()).toMatchObject({ checked: 1, flagged: 1, rejected: 1, warnings: 0 });
    });

    it('lets a statement with only "may" findings through, and warns', () => {
      // Prepare
      const logger = recordingLogger();
      const guard = createPinningGuard({ mode: 'strict', logger });

      // Act
      const findings = guard.check(MAY_PIN);

      // Assess
      expect(findings.map((f) => f.code)).toEqual(['last-insert-id']);
      expect(logger.calls).toHaveLength(1);
      expect(guard.stats()).toMatchObject({ rejected: 0, warnings: 1 });
    });

    it('passes a clean statement', () => {
      expect(createPinningGuard({ mode: 'strict', logger: recordingLogger() }).check(CLEAN)).toEqual([]);
    });
  });

  describe('off mode', () => {
    it('neither analyses, logs, calls back, throws nor counts', () => {
      // Prepare
      const logger = recordingLogger();
      const onFinding = jest.fn();
      const guard = createPinningGuard({ mode: 'off', logger, onFinding });

      // Act
      const findings = guard.check('LOCK TABLES t WRITE');

      // Assess
      expect(findings).toEqual([]);
      expect(logger.calls).toEqual([]);
      expect(onFinding).not.toHaveBeenCalled();
      expect(guard.stats()).toEqual({ checked: 0, flagged: 0, warnings: 0, rejected: 0, byCode: {} });
    });
  });

  it('calls onFinding for each finding before throwing', () => {
    // Prepare
    const seen: PinningFinding[] = [];
    const guard = createPinningGuard({ mode: 'strict', logger: recordingLogger(), onFinding: (f) => void seen.push(f) });

    // Act
    expect(() => guard.check('SET @a = 1; LOCK TABLES t READ')).toThrow(PinningError);

    // Assess
    expect(seen.map((f) => f.code)).toEqual(['user-variable', 'lock-tables']);
  });

  it('disregards ignored codes (e.g. with the EXCLUDE_VARIABLE_SETS filter)', () => {
    // Prepare
    const logger = recordingLogger();
    const guard = createPinningGuard({ mode: 'strict', logger, ignore: ['session-variable'] });

    // Act / Assess
    expect(guard.check('SET sql_safe_updates = 1')).toEqual([]);
    expect(() => guard.check('SET @a = 1')).toThrow(PinningError);
    expect(guard.stats()).toMatchObject({ checked: 2, flagged: 1 });
  });

  it('checks the binary protocol when told the statement goes through execute()', () => {
    const guard = createPinningGuard({ mode: 'strict', logger: recordingLogger() });

    expect(() => guard.check(CLEAN, { binaryProtocol: true })).toThrow(/binary-protocol/);
  });

  it('exposes its mode', () => {
    expect(createPinningGuard({ mode: 'warn', logger: recordingLogger() }).mode).toBe('warn');
  });
});
