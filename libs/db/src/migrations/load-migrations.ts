import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forbiddenStatement, migrationStatements } from './migration-statements';

/** One migration: a name that sorts in apply order, and its SQL. */
export interface Migration {
  /** e.g. `0001_create_items` */
  name: string;
  sql: string;
}

/** A migration file name: a number, a separator, a snake/kebab-case name, `.sql`. */
export const MIGRATION_FILE = /^(\d{4,})[_-]([a-z0-9][a-z0-9_-]*)\.sql$/;

/** A problem with the migration files themselves. */
export class MigrationFileError extends Error {
  override name = 'MigrationFileError';
}

/** SHA-256 of a migration's SQL, recorded when it is applied. */
export const checksum = (sql: string): string => createHash('sha256').update(sql).digest('hex');

/**
 * Checks a list of migrations: names well formed, numbers unique, at least
 * one statement each, and no statement the runner cannot apply one by one
 * (transaction control, table locks, `DELIMITER`). Returns them sorted by number.
 *
 * @example
 * const migrations = validateMigrations([{ name: '0001_create_items', sql: 'CREATE TABLE items (...)' }]);
 */
export function validateMigrations(migrations: readonly Migration[]): Migration[] {
  const byNumber = new Map<string, string>();
  for (const m of migrations) {
    const match = MIGRATION_FILE.exec(`${m.name}.sql`);
    if (!match) throw new MigrationFileError(`migration name "${m.name}" must look like 0001_create_items`);
    const number = String(Number(match[1]));
    const clash = byNumber.get(number);
    if (clash) throw new MigrationFileError(`migrations "${clash}" and "${m.name}" have the same number`);
    byNumber.set(number, m.name);
    if (typeof m.sql !== 'string') throw new MigrationFileError(`migration "${m.name}" has no SQL text`);
    const statements = migrationStatements(m.sql);
    if (statements.length === 0) throw new MigrationFileError(`migration "${m.name}" is empty (no statements)`);
    statements.forEach((statement, i) => {
      const reason = forbiddenStatement(statement);
      if (reason) throw new MigrationFileError(`migration "${m.name}" statement ${i + 1}: ${reason}`);
    });
  }
  return [...migrations].sort((a, b) => Number(/^\d+/.exec(a.name)?.[0]) - Number(/^\d+/.exec(b.name)?.[0]));
}

/**
 * Reads the `NNNN_name.sql` files of a folder, in number order. Other files
 * (a README, say) are ignored; a `.sql` file with a bad name is an error.
 *
 * @example
 * const migrations = loadMigrations(join(__dirname, '../migrations'));
 */
export function loadMigrations(dir: string): Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (cause) {
    throw new MigrationFileError(`cannot read the migrations folder ${dir}`, { cause });
  }
  const sqlFiles = files.filter((f) => f.endsWith('.sql'));
  const bad = sqlFiles.find((f) => !MIGRATION_FILE.test(f));
  if (bad) throw new MigrationFileError(`migration file "${bad}" must be named like 0001_create_items.sql`);
  return validateMigrations(
    sqlFiles.map((file) => ({ name: file.slice(0, -'.sql'.length), sql: readFileSync(join(dir, file), 'utf8') })),
  );
}
