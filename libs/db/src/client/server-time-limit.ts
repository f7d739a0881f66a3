import { leadingVerb } from '../statement-kind';

/** Statements MariaDB's `SET STATEMENT … FOR` is put in front of. */
const MARIADB_VERBS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH']);

/** Below this the client's own timer is the only limit (the server limit would end first by too little to matter). */
const MIN_SERVER_LIMIT_MS = 20;

/**
 * How long the server may run a statement that the client waits `clientMs`
 * for: a little less, so the server's own "stopped at the time limit" error
 * (the statement rolled back, the connection still usable) arrives before the
 * client gives up and closes the connection with the outcome unknown.
 */
export function serverLimitMs(clientMs: number): number | undefined {
  const serverMs = clientMs - Math.min(250, Math.floor(clientMs / 5));
  return serverMs >= MIN_SERVER_LIMIT_MS ? serverMs : undefined;
}

/**
 * The statement with a server-side time limit, so that a statement the client
 * stopped waiting for is stopped on the server too:
 * - MySQL: the `MAX_EXECUTION_TIME(ms)` optimizer hint after `SELECT` (MySQL
 *   has none for writes). A comment as far as RDS Proxy is concerned: it does
 *   not change session state and does not pin.
 * - MariaDB: `SET STATEMENT max_statement_time=<s> FOR <statement>`, for reads
 *   and writes; the variable holds for that one statement only.
 * `lead` is the statement's {@link leadingVerb}, when the caller has it already.
 * Anything else (DDL, `SET`, `CALL`, a statement that already has an optimizer
 * hint) is returned unchanged.
 *
 * @example
 * withServerTimeLimit('SELECT * FROM items', 1500, false); // 'SELECT /*+ MAX_EXECUTION_TIME(1500) *\/ * FROM items'
 * withServerTimeLimit('UPDATE items SET …', 1500, true);  // 'SET STATEMENT max_statement_time=1.500 FOR UPDATE items SET …'
 */
export function withServerTimeLimit(sql: string, ms: number, mariadb: boolean, lead = leadingVerb(sql)): string {
  if (!lead) return sql;
  if (mariadb) {
    return MARIADB_VERBS.has(lead.verb) ? `${mariadbPrefix(ms)}${lead.at === 0 ? sql : sql.slice(lead.at)}` : sql;
  }
  if (lead.verb !== 'SELECT' || sql.includes('/*+')) return sql;
  const afterVerb = lead.at + lead.verb.length;
  return `${sql.slice(0, afterVerb)} /*+ MAX_EXECUTION_TIME(${Math.floor(ms)}) */${sql.slice(afterVerb)}`;
}

let lastMs = Number.NaN;
let lastPrefix = '';

/** `SET STATEMENT max_statement_time=<s> FOR `, remembered for the last limit (consecutive statements mostly share it). */
function mariadbPrefix(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastPrefix = `SET STATEMENT max_statement_time=${(ms / 1000).toFixed(3)} FOR `;
  }
  return lastPrefix;
}
