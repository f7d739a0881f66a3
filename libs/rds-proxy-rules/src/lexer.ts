/**
 * A single-pass MySQL lexer, just precise enough for the pinning rules: it
 * knows where strings, quoted identifiers, comments and variables start and
 * end, so that text inside a string or a comment never looks like code.
 *
 * What it understands (MySQL 8 / MariaDB lexical rules):
 * - `'...'` and `"..."` strings with backslash escapes and doubled quotes
 *   (the default sql_mode; see NO_BACKSLASH_ESCAPES in the README);
 * - `` `...` `` identifiers with doubled backticks;
 * - `-- ` comments (two dashes then whitespace/control or end of input),
 *   `#` comments and `/* ... *\/` comments; optimizer hints `/*+ ... *\/` are
 *   comments too;
 * - executable comments `/*! ... *\/`, `/*!80000 ... *\/` and MariaDB's
 *   `/*M! ... *\/`: MySQL runs their content, so it is lexed as code whatever
 *   the version number;
 * - user variables `@name`, `@'name'`, `@"name"`, `` @`name` ``; system
 *   variables `@@name` and `@@scope.name`;
 * - an `@'host'` glued to a preceding string or quoted identifier (an account
 *   name such as `'app'@'%'`) is an account host, not a user variable.
 *
 * Unterminated strings or comments run to the end of the input; the lexer
 * never throws and never backtracks, so it is linear in the input length.
 */

/** The kinds of token the pinning rules care about. */
export type TokenKind =
  | 'word'
  | 'quoted-identifier'
  | 'string'
  | 'user-variable'
  | 'system-variable'
  | 'account-host'
  | 'operator'
  | 'punctuation';

/** Scope prefix of a system variable reference such as `@@session.sql_mode`. */
export type VariableScope = 'global' | 'session' | 'local' | 'persist' | 'persist_only';

/** One lexical token. `start`/`end` are UTF-16 offsets into the input. */
export interface Token {
  readonly kind: TokenKind;
  /**
   * - word: the word upper-cased (keywords and identifiers alike);
   * - quoted-identifier: the unescaped name, case preserved;
   * - user-variable / system-variable: the variable name (system variables
   *   lower-cased, without the scope prefix);
   * - operator / punctuation: the characters themselves;
   * - string / account-host: always empty — string contents are data (often
   *   parameter values) and are never kept.
   */
  readonly value: string;
  /** Only for system variables written with an explicit `@@scope.` prefix. */
  readonly scope?: VariableScope;
  readonly start: number;
  readonly end: number;
}

const SCOPES: ReadonlySet<string> = new Set(['global', 'session', 'local', 'persist', 'persist_only']);

const BACKSLASH = 0x5c;

/** Letters, digits, `_`, `$` and every non-ASCII code unit (MySQL allows U+0080 and above). */
function isIdentifierChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f || // _
    code === 0x24 || // $
    code >= 0x80
  );
}

/** User variable names may also contain `.` (MySQL manual, "User-Defined Variables"). */
function isUserVariableChar(code: number): boolean {
  return isIdentifierChar(code) || code === 0x2e;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * Index just past the closing `quote` of a string or quoted identifier that
 * opens at `open`. `backslash` enables `\x` escapes (strings, not identifiers).
 * A doubled quote is an escaped quote. Returns `sql.length` if unterminated.
 */
function endOfQuoted(sql: string, open: number, backslash: boolean): number {
  const quote = sql.charCodeAt(open);
  let i = open + 1;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    if (backslash && code === BACKSLASH) {
      i += 2;
    } else if (code === quote) {
      if (sql.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** The unescaped text of a quoted name (identifier or quoted variable name). */
function unquote(sql: string, start: number, end: number): string {
  const quote = sql.charAt(start);
  const closed = end - start >= 2 && sql.charAt(end - 1) === quote;
  const inner = sql.slice(start + 1, closed ? end - 1 : end);
  return inner.split(quote + quote).join(quote);
}

function endOfRun(sql: string, from: number, accept: (code: number) => boolean): number {
  let i = from;
  while (i < sql.length && accept(sql.charCodeAt(i))) i += 1;
  return i;
}

/**
 * Splits MySQL text into tokens, dropping whitespace and comments.
 *
 * @example
 * tokenize("SELECT 'a' -- hi\n, @x := 1").map((t) => t.kind);
 * // ['word', 'string', 'punctuation', 'user-variable', 'operator', 'word']
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const length = sql.length;
  let inExecutableComment = false;
  let i = 0;

  const push = (kind: TokenKind, value: string, start: number, end: number, scope?: VariableScope): void => {
    tokens.push(scope === undefined ? { kind, value, start, end } : { kind, value, scope, start, end });
  };

  while (i < length) {
    const code = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);

    if (isWhitespace(code)) {
      i += 1;
      continue;
    }

    // Comments.
    if (code === 0x23 /* # */ || (code === 0x2d /* - */ && next === 0x2d && (i + 2 >= length || sql.charCodeAt(i + 2) <= 0x20))) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? length : newline + 1;
      continue;
    }
    if (code === 0x2f /* / */ && next === 0x2a /* * */) {
      const bang = sql.charCodeAt(i + 2);
      const mariaBang = bang === 0x4d /* M */ && sql.charCodeAt(i + 3) === 0x21;
      if (!inExecutableComment && (bang === 0x21 /* ! */ || mariaBang)) {
        // Executable comment: skip the marker and an optional version number, lex the rest as code.
        inExecutableComment = true;
        i = endOfRun(sql, i + (mariaBang ? 4 : 3), isDigit);
        continue;
      }
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? length : close + 2;
      continue;
    }
    if (inExecutableComment && code === 0x2a && next === 0x2f) {
      inExecutableComment = false;
      i += 2;
      continue;
    }

    // Strings and quoted identifiers.
    if (code === 0x27 /* ' */ || code === 0x22 /* " */) {
      const end = endOfQuoted(sql, i, true);
      push('string', '', i, end);
      i = end;
      continue;
    }
    if (code === 0x60 /* ` */) {
      const end = endOfQuoted(sql, i, false);
      push('quoted-identifier', unquote(sql, i, end), i, end);
      i = end;
      continue;
    }

    // Variables.
    if (code === 0x40 /* @ */) {
      const previous = tokens[tokens.length - 1];
      if (previous !== undefined && previous.end === i && (previous.kind === 'string' || previous.kind === 'quoted-identifier')) {
        // 'user'@'host' — the host part of an account name.
        const hostStart = i + 1;
        const quote = sql.charCodeAt(hostStart);
        const end =
          quote === 0x27 || quote === 0x22 || quote === 0x60
            ? endOfQuoted(sql, hostStart, quote !== 0x60)
            : endOfRun(sql, hostStart, isUserVariableChar);
        push('account-host', '', i, end);
        i = end;
        continue;
      }
      if (next === 0x40) {
        i = lexSystemVariable(sql, i, push);
        continue;
      }
      if (next === 0x27 || next === 0x22 || next === 0x60) {
        const end = endOfQuoted(sql, i + 1, next !== 0x60);
        push('user-variable', unquote(sql, i + 1, end), i, end);
        i = end;
        continue;
      }
      const end = endOfRun(sql, i + 1, isUserVariableChar);
      if (end > i + 1) {
        push('user-variable', sql.slice(i + 1, end), i, end);
        i = end;
        continue;
      }
      push('punctuation', '@', i, i + 1);
      i += 1;
      continue;
    }

    // Words: keywords, identifiers, numbers.
    if (isIdentifierChar(code)) {
      const end = endOfRun(sql, i, isIdentifierChar);
      push('word', sql.slice(i, end).toUpperCase(), i, end);
      i = end;
      continue;
    }

    // Operators the rules need, then any other single character.
    if (code === 0x3a /* : */ && next === 0x3d /* = */) {
      push('operator', ':=', i, i + 2);
      i += 2;
      continue;
    }
    if (code === 0x3d /* = */) {
      push('operator', '=', i, i + 1);
      i += 1;
      continue;
    }
    push('punctuation', sql.charAt(i), i, i + 1);
    i += 1;
  }
  return tokens;
}

/** `@@name`, `@@scope.name`, `@@scope.structured.name`, `` @@`name` ``. Returns the index after it. */
function lexSystemVariable(
  sql: string,
  at: number,
  push: (kind: TokenKind, value: string, start: number, end: number, scope?: VariableScope) => void,
): number {
  let i = at + 2;
  const parts: string[] = [];
  for (;;) {
    if (sql.charCodeAt(i) === 0x60) {
      const end = endOfQuoted(sql, i, false);
      parts.push(unquote(sql, i, end).toLowerCase());
      i = end;
    } else {
      const end = endOfRun(sql, i, isIdentifierChar);
      if (end === i) break;
      parts.push(sql.slice(i, end).toLowerCase());
      i = end;
    }
    if (sql.charCodeAt(i) !== 0x2e /* . */) break;
    i += 1;
  }
  const first = parts[0];
  if (first !== undefined && parts.length > 1 && SCOPES.has(first)) {
    push('system-variable', parts.slice(1).join('.'), at, i, first as VariableScope);
  } else {
    push('system-variable', parts.join('.'), at, i);
  }
  return i;
}
