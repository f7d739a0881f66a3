import type { PinningCertainty, PinningCode, PinningFinding } from './finding';
import { tokenize } from './lexer';
import { statementRules } from './statement-rules';
import { statementSizeFinding } from './statement-size';
import { splitStatements } from './statements';

/**
 * Options for {@link findPinningReasons} and {@link analyzeStatements}.
 *
 * @example
 * findPinningReasons('SELECT * FROM t WHERE id = ?', { binaryProtocol: true }); // [prepared-statement]
 */
export interface FindPinningOptions {
  /**
   * The text is sent as a binary-protocol prepared statement (mysql2
   * `execute()`), which pins whatever it says. `query()` — with or without
   * `?` placeholders, which mysql2 substitutes client-side — is not.
   */
  readonly binaryProtocol?: boolean;
  /**
   * The connection has multi-statements enabled (`CLIENT_MULTI_STATEMENTS`),
   * so a text with several statements runs them all: that pins
   * (`multi-statement`). Without it the server refuses such a text, so it is
   * not reported.
   */
  readonly multiStatements?: boolean;
}

/**
 * What one text does to an RDS Proxy session.
 *
 * @example
 * const { findings, trackedChanges } = analyzeStatements("SET NAMES utf8mb4; SELECT 1");
 */
export interface StatementAnalysis {
  /** Why the text would pin, in order of appearance, without duplicates. */
  readonly findings: readonly PinningFinding[];
  /** Statements in the text (stored program definitions count as one). */
  readonly statementCount: number;
  /**
   * Session state the proxy tracks that the text changes, without
   * duplicates: lower-case variable names (`sql_mode`, `autocommit`, ...),
   * `names` (`SET NAMES`, `SET CHARACTER SET`), `transaction`
   * (`SET SESSION TRANSACTION`) and `database` (`USE`, `DROP DATABASE`).
   */
  readonly trackedChanges: readonly string[];
}

/**
 * Analyses MySQL text as RDS Proxy would: why it pins (see
 * {@link findPinningReasons}), how many statements it holds, and which
 * tracked session state it changes (that state does not pin; the proxy
 * carries it to the next connection it lends the session).
 *
 * @example
 * analyzeStatements('USE app; SET @a = 1', { multiStatements: true });
 * // { findings: [multi-statement, user-variable @a], statementCount: 2, trackedChanges: ['database'] }
 */
export function analyzeStatements(sql: string, options: FindPinningOptions = {}): StatementAnalysis {
  const findings: PinningFinding[] = [];
  const seen = new Set<string>();
  const add = (finding: PinningFinding): void => {
    const key = `${finding.statementIndex ?? ''}\u0000${finding.code}\u0000${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };
  const trackedChanges: string[] = [];
  const tracked = (name: string): void => {
    if (!trackedChanges.includes(name)) trackedChanges.push(name);
  };

  const size = statementSizeFinding(sql);
  if (size !== undefined) add(size);
  if (options.binaryProtocol === true) {
    add({ code: 'prepared-statement', certainty: 'always', message: 'sent as a binary-protocol prepared statement (mysql2 execute())' });
  }

  const statements = splitStatements(tokenize(sql));
  if (options.multiStatements === true && statements.length > 1) {
    add({ code: 'multi-statement', certainty: 'always', message: `${statements.length} statements in one text with multi-statements enabled` });
  }
  statements.forEach((statement, statementIndex) => {
    if (statement.storedProgram) return;
    statementRules(
      statement.tokens,
      (code: PinningCode, certainty: PinningCertainty, message: string) => add({ code, certainty, message, statementIndex }),
      tracked,
    );
  });
  return { findings, statementCount: statements.length, trackedChanges };
}

/**
 * Lists why MySQL text would pin an RDS Proxy session, in order of
 * appearance, without duplicates. Give it the text exactly as sent: the size
 * rule counts its UTF-8 bytes. Messages name keywords, functions and
 * variables, never values. Stored program definitions (`CREATE PROCEDURE`,
 * ...) and `CALL` do not pin (AWS docs), so their bodies are not inspected.
 *
 * @example
 * findPinningReasons("SET @a = 1, sql_mode = ''");
 * // [{ code: 'user-variable', certainty: 'always', message: 'assigns user variable @a', statementIndex: 0 }]
 * findPinningReasons("SELECT 'SET @x := 1' AS `get_lock` -- LOCK TABLES"); // []
 */
export function findPinningReasons(sql: string, options: FindPinningOptions = {}): PinningFinding[] {
  return [...analyzeStatements(sql, options).findings];
}
