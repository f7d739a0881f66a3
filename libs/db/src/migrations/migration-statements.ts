import { createHash } from 'node:crypto';
import { splitStatements, type Token, tokenize } from '@serverless-app/rds-proxy-rules';

/** One statement of a migration file. */
export interface MigrationStatement {
  /** The statement's text, without its `;` (leading comments kept). */
  readonly text: string;
  /** Its first keyword, upper-cased (`CREATE`, `ALTER`, ...); empty if it starts with something else. */
  readonly verb: string;
  /** `SET`: it changes only the session, so a resumed run replays it. */
  readonly sessionOnly: boolean;
}

const isSemicolon = (token: Token | undefined): boolean => token !== undefined && token.kind === 'punctuation' && token.value === ';';

/**
 * Splits a migration file into statements with the lexer the pinning guard
 * uses: a `;` inside a string, a quoted name, a comment or a stored program's
 * `BEGIN ... END` does not end a statement. Each statement's text runs from
 * just after the previous top-level `;`, so a leading comment (or the opening
 * of a `/*! ... *\/` executable comment) stays with its statement.
 *
 * @example
 * migrationStatements("CREATE TABLE t (a INT); INSERT INTO t VALUES (1) -- ;").map((s) => s.verb); // ['CREATE', 'INSERT']
 */
export function migrationStatements(sql: string): MigrationStatement[] {
  const tokens = tokenize(sql);
  const statements: MigrationStatement[] = [];
  let from = 0;
  let index = 0;
  for (const statement of splitStatements(tokens)) {
    const first = statement.tokens[0];
    for (; tokens[index] !== first; index += 1) {
      const token = tokens[index];
      if (token !== undefined && isSemicolon(token)) from = token.end;
    }
    index += statement.tokens.length;
    const terminator = tokens[index];
    const to = terminator === undefined ? sql.length : terminator.start; // splitStatements stops only at a top-level `;`
    const verb = first?.kind === 'word' ? first.value : '';
    statements.push({ text: sql.slice(from, to).trim(), verb, sessionOnly: verb === 'SET' });
  }
  return statements;
}

/** Statements the runner cannot combine with its per-statement progress transaction. */
const TRANSACTION_CONTROL: ReadonlyMap<string, string> = new Map([
  ['BEGIN', 'BEGIN'],
  ['COMMIT', 'COMMIT'],
  ['ROLLBACK', 'ROLLBACK'],
  ['SAVEPOINT', 'SAVEPOINT'],
  ['RELEASE', 'RELEASE SAVEPOINT'],
  ['XA', 'XA'],
  ['LOCK', 'LOCK TABLES'],
  ['UNLOCK', 'UNLOCK TABLES'],
]);

/**
 * Why a statement may not appear in a migration file, or `undefined`. The
 * runner commits each statement together with its progress record, so a file
 * may not control transactions or table locks itself; `USE` would move the
 * runner's own bookkeeping to another database; `DELIMITER` is a mysql client
 * command, not SQL.
 *
 * @example
 * forbiddenStatement({ text: 'START TRANSACTION', verb: 'START', sessionOnly: false }); // 'START TRANSACTION ...'
 */
export function forbiddenStatement(statement: MigrationStatement): string | undefined {
  const words = tokenize(statement.text).slice(0, 2);
  const second = words[1]?.kind === 'word' ? words[1].value : '';
  if (statement.verb === 'DELIMITER') return 'DELIMITER is a mysql client command; write a stored program without it';
  if (statement.verb === 'USE') return "USE is not allowed: migrations run in the connection's database, where their progress is recorded";
  const control = statement.verb === 'START' && second === 'TRANSACTION' ? 'START TRANSACTION' : TRANSACTION_CONTROL.get(statement.verb);
  if (control === undefined) return undefined;
  return `${control} is not allowed: the runner commits each statement together with its progress record`;
}

/**
 * SHA-256 of the first `count` statements: what a partly applied migration
 * has run, compared with the file when a later run resumes it.
 *
 * @example
 * progressChecksum(migrationStatements(sql), 2);
 */
export function progressChecksum(statements: readonly MigrationStatement[], count: number): string {
  return createHash('sha256')
    .update(JSON.stringify(statements.slice(0, count).map((s) => s.text)))
    .digest('hex');
}
