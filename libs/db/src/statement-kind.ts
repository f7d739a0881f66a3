const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|\/\*(?!!)[\s\S]*?\*\/)*/;
const READ_VERBS = new Set(['SELECT', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN']);
/** Reads with side effects or locks: never replayed. */
const SIDE_EFFECTS = /\b(INTO|FOR\s+UPDATE|LOCK\s+IN\s+SHARE\s+MODE|FOR\s+SHARE|NEXTVAL|SETVAL|LASTVAL|GET_LOCK|RELEASE_LOCK|RELEASE_ALL_LOCKS|SLEEP|BENCHMARK)\b/i;

/** The first keyword of a statement (upper case) and where it starts, after leading comments and blanks. */
export function leadingVerb(sql: string): { verb: string; at: number } | undefined {
  const at = LEADING_NOISE.exec(sql)?.[0].length ?? 0;
  const verb = /^[A-Za-z]+/.exec(sql.slice(at))?.[0];
  return verb === undefined ? undefined : { verb: verb.toUpperCase(), at };
}

/** The statement without leading comments and blanks, and its first keyword (upper case) past any opening parentheses. */
function firstKeyword(sql: string): { body: string; verb: string | undefined } {
  const body = sql.replace(LEADING_NOISE, '');
  return { body, verb: /^\(*\s*([A-Za-z]+)/.exec(body)?.[1]?.toUpperCase() };
}

/**
 * True when a statement only reads, so running it again after a lost
 * connection cannot change anything. Conservative: when unsure, false.
 */
export function isReplayableRead(sql: string): boolean {
  const { body, verb } = firstKeyword(sql);
  return verb !== undefined && READ_VERBS.has(verb) && !SIDE_EFFECTS.test(body);
}

/** What an `instrument` hook is told about the work it wraps: its kind, never the statement or its values. */
export type InstrumentedKind = 'select' | 'insert' | 'update' | 'delete' | 'transaction' | 'other';

const KINDS: Readonly<Record<string, InstrumentedKind>> = { SELECT: 'select', INSERT: 'insert', REPLACE: 'insert', UPDATE: 'update', DELETE: 'delete' };

/**
 * The kind of a statement by its first keyword: `select`, `insert` (also `REPLACE`), `update`, `delete`,
 * else `other` (DDL, `SHOW`, `SET` ...).
 *
 * @example
 * statementKind('select * from items where id = ?'); // 'select'
 */
export function statementKind(sql: string): InstrumentedKind {
  const { verb } = firstKeyword(sql);
  return (verb !== undefined && KINDS[verb]) || 'other';
}
