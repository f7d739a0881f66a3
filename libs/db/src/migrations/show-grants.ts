/**
 * One line of `SHOW GRANTS`, as MySQL 8 and MariaDB print it. Only what is needed to revoke it: the privileges
 * (or role) and the object, as the server quoted them. The rest of the line — the account, and on MariaDB an
 * `IDENTIFIED BY PASSWORD '<hash>'` — is dropped and never kept.
 */
export type GrantLine =
  | { kind: 'privileges'; privileges: string[]; on: string; withGrantOption: boolean }
  | { kind: 'role'; role: string }
  /** A partial revoke (`REVOKE ... ON mysql.* FROM ...`) or anything else that grants nothing. */
  | { kind: 'other' };

/** Splits `text` at every top-level occurrence of `separator` (outside quotes, backticks and parentheses). */
function splitTopLevel(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\' && quote !== '`') i += 1;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '`' || c === "'" || c === '"') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (depth === 0) {
      separator.lastIndex = i;
      const match = separator.exec(text);
      if (match && match.index === i) {
        parts.push(text.slice(start, i));
        start = i + match[0].length;
        i = start - 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The privilege's name without a column list, upper-cased: `SELECT (\`a\`)` → `SELECT`. */
export function privilegeName(privilege: string): string {
  return privilege.replace(/\(.*$/s, '').replace(/\s+/g, ' ').trim().toUpperCase();
}

/**
 * Parses one `SHOW GRANTS` line.
 *
 * @example
 * parseGrantLine('GRANT SELECT, INSERT ON `app`.* TO `app`@`%`');
 * // { kind: 'privileges', privileges: ['SELECT', 'INSERT'], on: '`app`.*', withGrantOption: false }
 */
export function parseGrantLine(line: string): GrantLine {
  const text = line.trim();
  if (!/^GRANT\s/i.test(text)) return { kind: 'other' };
  const body = text.replace(/^GRANT\s+/i, '');
  const [what = '', ...afterTo] = splitTopLevel(body, /\sTO\s/iy);
  if (afterTo.length === 0) return { kind: 'other' };
  const tail = afterTo.join(' TO ');
  const onParts = splitTopLevel(what, /\sON\s/iy);
  if (onParts.length === 1) return { kind: 'role', role: what.trim() };
  const privileges = splitTopLevel(onParts[0] as string, /,/y)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  // Quoted parts of the tail (a password hash) are blanked before looking for WITH ... GRANT OPTION.
  const unquotedTail = tail.replace(/'(?:\\.|[^'\\])*'/g, "''");
  return { kind: 'privileges', privileges, on: onParts.slice(1).join(' ON ').trim(), withGrantOption: /\bWITH\b[\s\S]*\bGRANT\s+OPTION\b/i.test(unquotedTail) };
}
