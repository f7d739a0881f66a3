const PATTERNS = {
  database: { pattern: /^[A-Za-z0-9_$]{1,64}$/, rule: '1-64 of A-Z a-z 0-9 _ $' },
  user: { pattern: /^[A-Za-z0-9_]{1,32}$/, rule: '1-32 of A-Z a-z 0-9 _' },
  variable: { pattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/, rule: 'a letter or _ then letters, digits, _' },
} as const;

/** What a name is used as; each kind has its own allowed shape. */
export type NameKind = keyof typeof PATTERNS;

/**
 * Returns `name` if it is a safe, portable name of this kind; throws otherwise. Names are later spliced
 * into SQL where placeholders are not allowed, so the check is strict.
 *
 * @example
 * assertName('variable', 'max_connections'); // 'max_connections'
 * assertName('variable', 'x; DROP TABLE t'); // throws
 */
export function assertName(kind: NameKind, name: string): string {
  const { pattern, rule } = PATTERNS[kind];
  if (!pattern.test(name)) throw new Error(`Invalid ${kind} name ${JSON.stringify(name)}: use ${rule}.`);
  return name;
}

/**
 * A validated database name in backticks.
 *
 * @example
 * `CREATE DATABASE ${quoteDatabase('app_1')}`; // CREATE DATABASE `app_1`
 */
export function quoteDatabase(name: string): string {
  return `\`${assertName('database', name)}\``;
}
