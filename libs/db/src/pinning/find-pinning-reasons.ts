import type { PinningCertainty, PinningCode, PinningFinding } from './finding';
import { tokenize } from './lexer';
import { statementRules } from './statement-rules';
import { statementSizeFinding } from './statement-size';
import { splitStatements } from './statements';

/**
 * Options for {@link findPinningReasons}.
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
  const findings: PinningFinding[] = [];
  const seen = new Set<string>();
  const add = (finding: PinningFinding): void => {
    const key = `${finding.statementIndex ?? ''}\u0000${finding.code}\u0000${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };

  const size = statementSizeFinding(sql);
  if (size !== undefined) add(size);
  if (options.binaryProtocol === true) {
    add({ code: 'prepared-statement', certainty: 'always', message: 'sent as a binary-protocol prepared statement (mysql2 execute())' });
  }

  splitStatements(tokenize(sql)).forEach((statement, statementIndex) => {
    if (statement.storedProgram) return;
    statementRules(statement.tokens, (code: PinningCode, certainty: PinningCertainty, message: string) =>
      add({ code, certainty, message, statementIndex }),
    );
  });
  return findings;
}
