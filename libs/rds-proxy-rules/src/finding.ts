/**
 * Why a statement would pin an RDS Proxy client session. Stable: log
 * queries, dashboards and `ignore` lists may rely on these strings.
 *
 * | code | what | certainty |
 * |---|---|---|
 * | `statement-size` | statement text over 16 KB (UTF-8 bytes) | always |
 * | `prepared-statement` | `PREPARE` / `EXECUTE` / `DEALLOCATE PREPARE`, or a binary-protocol prepare | always |
 * | `lock-tables` | `LOCK TABLE(S)`, `FLUSH TABLES ... WITH READ LOCK`; `FLUSH TABLES ... FOR EXPORT` | always; may |
 * | `get-lock` | `GET_LOCK()`; `RELEASE_LOCK()` / `RELEASE_ALL_LOCKS()` | always; may |
 * | `user-variable` | assigning `@var` (`SET`, `:=`, `INTO`); `@var` passed to `CALL` | always; may |
 * | `session-variable` | setting a system variable RDS Proxy does not track | always |
 * | `transaction-characteristics` | next-transaction isolation/access mode (`SET TRANSACTION ...` without `SESSION`, `SET @@transaction_isolation`) | always |
 * | `global-variable` | `SET GLOBAL` / `PERSIST` / `PERSIST_ONLY` (undocumented) | may |
 * | `temporary-table` | `CREATE TEMPORARY TABLE`; `DROP TEMPORARY TABLE` | always; may |
 * | `last-insert-id` | `LAST_INSERT_ID()` | may |
 * | `found-rows` | `FOUND_ROWS()`, `SQL_CALC_FOUND_ROWS` | may |
 * | `row-count` | `ROW_COUNT()` | may |
 * | `session-state` | other per-session state the docs do not list (`HANDLER`, `XA`, `SET ROLE`, `LOCK INSTANCE FOR BACKUP`, ...) | may |
 * | `multi-statement` | several statements in one text, sent with multi-statements enabled (only with the `multiStatements` option) | always |
 *
 * @example
 * const alarming: PinningCode[] = ['lock-tables', 'get-lock'];
 */
export type PinningCode =
  | 'statement-size'
  | 'prepared-statement'
  | 'lock-tables'
  | 'get-lock'
  | 'user-variable'
  | 'session-variable'
  | 'transaction-characteristics'
  | 'global-variable'
  | 'temporary-table'
  | 'last-insert-id'
  | 'found-rows'
  | 'row-count'
  | 'session-state'
  | 'multi-statement';

/**
 * Every {@link PinningCode}, in the order of the table above.
 *
 * @example
 * PINNING_CODES.includes('user-variable'); // true
 */
export const PINNING_CODES: readonly PinningCode[] = [
  'statement-size',
  'prepared-statement',
  'lock-tables',
  'get-lock',
  'user-variable',
  'session-variable',
  'transaction-characteristics',
  'global-variable',
  'temporary-table',
  'last-insert-id',
  'found-rows',
  'row-count',
  'session-state',
  'multi-statement',
];

/**
 * `always`: the AWS documentation says this pins. `may`: the documentation says
 * it sometimes pins, or does not say, but the statement creates session state
 * the proxy cannot carry to another connection.
 *
 * @example
 * const blocking = findings.filter((f) => f.certainty === 'always');
 */
export type PinningCertainty = 'always' | 'may';

/**
 * One reason a statement would pin the session.
 *
 * @example
 * const finding: PinningFinding = {
 *   code: 'user-variable',
 *   certainty: 'always',
 *   message: 'assigns user variable @total',
 *   statementIndex: 0,
 * };
 */
export interface PinningFinding {
  readonly code: PinningCode;
  readonly certainty: PinningCertainty;
  /**
   * Names the construct (keyword, function, variable name) — never a string
   * literal or any other value from the statement.
   */
  readonly message: string;
  /**
   * 0-based index of the statement within a multi-statement text; absent for
   * findings about the whole text (`statement-size`, binary protocol).
   */
  readonly statementIndex?: number;
}
