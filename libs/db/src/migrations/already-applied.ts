/**
 * Server errors that mean "what this statement creates already exists" or
 * "what it drops is already gone", each with the statement verbs it is
 * believed for. The runner accepts one only for the first statement of an
 * interrupted run (the connection died after the statement may have run but
 * before its progress was recorded), never for a statement whose earlier run
 * is known to have failed.
 *
 * Deliberately left out, because they do not say the statement already ran:
 * 1022 (duplicate key on write), 1062 (duplicate entry: data), 1005 (can't
 * create table; MariaDB's answer to a duplicate foreign key name, but also to
 * many real mistakes), 1054 (unknown column; also what a re-run
 * `RENAME COLUMN` gets), 1146 (no such table), 1305 for `CALL`.
 */
interface AlreadyAppliedRule {
  readonly verbs: ReadonlySet<string>;
  /** Needed where the number means something else on the other server (MariaDB 4092 vs MySQL 4092). */
  readonly sqlState?: string;
}

const rule = (verbs: string[], sqlState?: string): AlreadyAppliedRule => ({ verbs: new Set(verbs), ...(sqlState ? { sqlState } : {}) });

/** errno → when it means "already applied". */
export const ALREADY_APPLIED_ERRORS: ReadonlyMap<number, AlreadyAppliedRule> = new Map([
  [1007, rule(['CREATE'])], // ER_DB_CREATE_EXISTS
  [1008, rule(['DROP'])], // ER_DB_DROP_EXISTS
  [1050, rule(['CREATE', 'RENAME', 'ALTER'])], // ER_TABLE_EXISTS_ERROR: CREATE TABLE/VIEW, RENAME TABLE, ALTER TABLE ... RENAME TO
  [1051, rule(['DROP'])], // ER_BAD_TABLE_ERROR: DROP TABLE (and DROP VIEW on MySQL)
  [4092, rule(['DROP'], '42S02')], // MariaDB ER_UNKNOWN_VIEW: DROP VIEW (MySQL's 4092 is unrelated, with another SQLSTATE)
  [1060, rule(['ALTER'])], // ER_DUP_FIELDNAME: ADD COLUMN
  [1061, rule(['ALTER', 'CREATE'])], // ER_DUP_KEYNAME: ADD INDEX, CREATE INDEX
  [1068, rule(['ALTER'])], // ER_MULTIPLE_PRI_KEY: ADD PRIMARY KEY
  [1091, rule(['ALTER', 'DROP'])], // ER_CANT_DROP_FIELD_OR_KEY: DROP COLUMN/INDEX/FOREIGN KEY/CONSTRAINT, DROP INDEX ... ON
  [1826, rule(['ALTER'])], // MySQL ER_FK_DUP_NAME / MariaDB ER_DUP_CONSTRAINT_NAME: ADD CONSTRAINT
  [1304, rule(['CREATE'])], // ER_SP_ALREADY_EXISTS: CREATE PROCEDURE/FUNCTION
  [1305, rule(['DROP'])], // ER_SP_DOES_NOT_EXIST: DROP PROCEDURE/FUNCTION
  [1359, rule(['CREATE'])], // ER_TRG_ALREADY_EXISTS
  [1360, rule(['DROP'])], // ER_TRG_DOES_NOT_EXIST
  [1537, rule(['CREATE'])], // ER_EVENT_ALREADY_EXISTS
  [1539, rule(['DROP'])], // ER_EVENT_DOES_NOT_EXIST
]);

/**
 * Whether a server error on a statement starting with `verb` says that the
 * statement's effect is already there.
 *
 * @example
 * isAlreadyApplied({ errno: 1060, sqlState: '42S21' }, 'ALTER'); // true: duplicate column
 * isAlreadyApplied({ errno: 1060, sqlState: '42S21' }, 'INSERT'); // false
 */
export function isAlreadyApplied(error: unknown, verb: string): boolean {
  const { errno, sqlState } = (typeof error === 'object' && error !== null ? error : {}) as { errno?: unknown; sqlState?: unknown };
  const found = typeof errno === 'number' ? ALREADY_APPLIED_ERRORS.get(errno) : undefined;
  if (found === undefined || !found.verbs.has(verb)) return false;
  return found.sqlState === undefined || found.sqlState === sqlState;
}
