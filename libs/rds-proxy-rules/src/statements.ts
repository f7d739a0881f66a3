import type { Token } from './lexer';

/** The tokens of one statement of a (possibly multi-statement) text, without the `;`. */
export interface Statement {
  readonly tokens: readonly Token[];
  /**
   * A stored program definition (`CREATE PROCEDURE | FUNCTION | TRIGGER |
   * EVENT`). Its body runs later, inside the server, where RDS Proxy does not
   * look, so the rules skip it; it may contain `;` inside `BEGIN ... END`.
   */
  readonly storedProgram: boolean;
}

const STORED_PROGRAM_KINDS: ReadonlySet<string> = new Set(['PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT']);
/** Words that may sit between CREATE and the object kind. */
const CREATE_MODIFIERS: ReadonlySet<string> = new Set(['OR', 'REPLACE', 'AGGREGATE', 'IF', 'NOT', 'EXISTS']);
/** `END IF`, `END LOOP`, ... close constructs that are not tracked on the block stack. */
const UNTRACKED_END_SUFFIXES: ReadonlySet<string> = new Set(['IF', 'LOOP', 'WHILE', 'REPEAT', 'FOR']);

function isWord(token: Token | undefined, value: string): boolean {
  return token !== undefined && token.kind === 'word' && token.value === value;
}

function isPunctuation(token: Token | undefined, value: string): boolean {
  return token !== undefined && token.kind === 'punctuation' && token.value === value;
}

/**
 * Index of the token after a `DEFINER = account` clause starting at `i`
 * (`'u'@'h'`, `u@h`, `` `u`@`h` ``, `CURRENT_USER`, `CURRENT_USER()`).
 */
function skipDefiner(tokens: readonly Token[], i: number): number {
  let j = i + 1;
  if (tokens[j]?.kind === 'operator') j += 1;
  const account = tokens[j];
  if (account === undefined) return j;
  j += 1;
  const host = tokens[j];
  if (host !== undefined && (host.kind === 'account-host' || host.kind === 'user-variable')) j += 1;
  if (isWord(account, 'CURRENT_USER') && isPunctuation(tokens[j], '(') && isPunctuation(tokens[j + 1], ')')) j += 2;
  return j;
}

/** Whether the statement starting at `start` defines a stored program. */
function startsStoredProgram(tokens: readonly Token[], start: number): boolean {
  if (!isWord(tokens[start], 'CREATE')) return false;
  let i = start + 1;
  while (i < tokens.length) {
    const token = tokens[i];
    if (token === undefined || token.kind !== 'word') return false;
    if (token.value === 'DEFINER') {
      i = skipDefiner(tokens, i);
    } else if (CREATE_MODIFIERS.has(token.value)) {
      i += 1;
    } else {
      return STORED_PROGRAM_KINDS.has(token.value);
    }
  }
  return false;
}

/**
 * Splits a token stream into statements at top-level `;`. Inside a stored
 * program definition, `;` inside `BEGIN ... END` (and `CASE ... END [CASE]`)
 * does not end the statement.
 *
 * @example
 * splitStatements(tokenize('SELECT 1; SELECT 2')).length; // 2
 */
export function splitStatements(tokens: readonly Token[]): Statement[] {
  const statements: Statement[] = [];
  let start = 0;
  while (start < tokens.length) {
    const storedProgram = startsStoredProgram(tokens, start);
    let depth = 0;
    let end = start;
    for (; end < tokens.length; end += 1) {
      const token = tokens[end];
      if (token === undefined) break;
      if (token.kind === 'punctuation' && token.value === ';' && depth === 0) break;
      if (!storedProgram || token.kind !== 'word') continue;
      if (token.value === 'BEGIN' || token.value === 'CASE') {
        depth += 1;
      } else if (token.value === 'END' && depth > 0) {
        const following = tokens[end + 1];
        const suffix = following !== undefined && following.kind === 'word' ? following.value : undefined;
        if (suffix === 'CASE') end += 1; // END CASE closes the CASE; do not read that CASE as an opener
        if (suffix === undefined || !UNTRACKED_END_SUFFIXES.has(suffix)) depth -= 1;
      }
    }
    if (end > start) statements.push({ tokens: tokens.slice(start, end), storedProgram });
    start = end + 1;
  }
  return statements;
}
