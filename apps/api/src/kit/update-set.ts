/** A SET list and its values, ready for `UPDATE t SET ${sql} WHERE ...`. */
export interface SetClause {
  /** `name = ?, description = ?`; empty when nothing changes. */
  sql: string;
  values: unknown[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Builds the SET list of a partial update from an allow-list that maps each
 * updatable field to its column. Only the allow-list's keys are read, and only
 * its column names reach the SQL (never a key of the input); a field that is
 * `undefined` is left alone, `null` sets NULL. The column names are checked
 * once, when the builder is made.
 *
 * @example
 * const itemSet = updateSet({ name: 'name', description: 'description' });
 * itemSet({ description: null }); // { sql: 'description = ?', values: [null] }
 */
export function updateSet<F extends string>(columns: Readonly<Record<F, string>>): (changes: Partial<Record<F, unknown>>) => SetClause {
  const entries = Object.entries(columns) as Array<[F, string]>;
  for (const [field, column] of entries) {
    if (!IDENTIFIER.test(column)) throw new TypeError(`updateSet: the column of ${field} must be a lower-case SQL identifier, got "${column}"`);
  }
  return (changes) => {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, column] of entries) {
      const value = Object.hasOwn(changes, field) ? changes[field] : undefined;
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(value);
    }
    return { sql: sets.join(', '), values };
  };
}
