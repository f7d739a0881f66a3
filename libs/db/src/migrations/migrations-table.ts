import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { DbClientLogger } from '../logger';
import { MigrationError } from './migration-error';

/**
 * - `running`: started and not finished — being applied now, or the run was
 *   interrupted (connection lost, process killed) without recording why;
 * - `failed`: the last run stopped because the statement after
 *   `statementsDone` failed;
 * - `applied`: done.
 */
export type RecordState = 'running' | 'failed' | 'applied';

/** One row of the migrations table. */
export interface MigrationRecord {
  name: string;
  /** Checksum of the file the record was last worked on with. */
  checksum: string;
  state: RecordState;
  /** Statements committed so far (meaningful while not applied). */
  statementsDone: number;
  /** `progressChecksum()` of those statements. */
  progressChecksum: string | null;
  startedAt: Date | null;
  appliedAt: Date | null;
}

/** The table's name, checked, both raw (for information_schema) and quoted (for SQL). */
export interface MigrationsTable {
  readonly name: string;
  readonly sql: string;
}

/**
 * Columns added after the first version of the table (`name`, `checksum`,
 * `applied_at`, `duration_ms`, with every row applied). Their defaults make
 * the existing rows read as applied.
 */
const ADDED_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['state', "VARCHAR(16) NOT NULL DEFAULT 'applied'"],
  ['statements_done', 'INT NOT NULL DEFAULT 0'],
  ['progress_checksum', 'CHAR(64) NULL'],
  ['started_at', 'DATETIME(3) NULL'],
];
/** `applied_at` became nullable: an unfinished migration has none. */
const APPLIED_AT = 'applied_at DATETIME(3) NULL DEFAULT CURRENT_TIMESTAMP(3)';

/** Creates the table in its current shape if it does not exist (safe to race: IF NOT EXISTS). */
export async function createTable(conn: Connection, table: MigrationsTable): Promise<void> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${table.sql} (
       name VARCHAR(255) NOT NULL PRIMARY KEY,
       checksum CHAR(64) NOT NULL,
       ${APPLIED_AT},
       duration_ms INT NOT NULL,
       ${ADDED_COLUMNS.map(([column, type]) => `${column} ${type}`).join(',\n       ')}
     ) ENGINE = InnoDB`,
  );
}

/** Column name (lower case) → nullable, for the table in the connection's database. */
async function columnsOf(conn: Connection, table: MigrationsTable): Promise<Map<string, boolean>> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT COLUMN_NAME AS name, IS_NULLABLE AS nullable FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table.name],
  );
  return new Map(rows.map((row) => [String(row['name']).toLowerCase(), row['nullable'] === 'YES']));
}

/**
 * Brings a table made by an earlier version of the runner to the current
 * shape, keeping its rows, in one `ALTER TABLE` (MySQL 8 has no
 * `ADD COLUMN IF NOT EXISTS`, so what is missing is read from
 * information_schema first). Call it holding the migration lock. Returns the
 * columns it added or changed.
 */
export async function upgradeTable(conn: Connection, table: MigrationsTable, logger: DbClientLogger): Promise<string[]> {
  const columns = await columnsOf(conn, table);
  const clauses: string[] = [];
  const changed: string[] = [];
  for (const [column, type] of ADDED_COLUMNS) {
    if (!columns.has(column)) {
      clauses.push(`ADD COLUMN ${column} ${type}`);
      changed.push(column);
    }
  }
  if (columns.get('applied_at') === false) {
    clauses.push(`MODIFY COLUMN ${APPLIED_AT}`);
    changed.push('applied_at');
  }
  if (clauses.length === 0) return [];
  await conn.query(`ALTER TABLE ${table.sql} ${clauses.join(', ')}`);
  logger.info('migrations table upgraded', { table: table.name, columns: changed });
  return changed;
}

const STATES: ReadonlySet<unknown> = new Set<RecordState>(['running', 'failed', 'applied']);

function recordState(value: unknown, name: string, table: MigrationsTable): RecordState {
  if (!STATES.has(value)) throw new MigrationError(`${table.name} has an unknown state for ${name}; expected running, failed or applied`, name);
  return value as RecordState;
}

/**
 * Every row, in either shape: a table not upgraded yet (read by
 * `migrationStatus()`, which takes no lock and so changes nothing) has only
 * applied migrations.
 */
export async function readRecords(conn: Connection, table: MigrationsTable): Promise<MigrationRecord[]> {
  const columns = await columnsOf(conn, table);
  const current = ADDED_COLUMNS.every(([column]) => columns.has(column));
  const select = current
    ? 'name, checksum, state, statements_done AS statementsDone, progress_checksum AS progressChecksum, started_at AS startedAt, applied_at AS appliedAt'
    : "name, checksum, 'applied' AS state, 0 AS statementsDone, NULL AS progressChecksum, NULL AS startedAt, applied_at AS appliedAt";
  const [rows] = await conn.query<RowDataPacket[]>(`SELECT ${select} FROM ${table.sql} ORDER BY name`);
  return rows.map((row) => ({
    name: String(row['name']),
    checksum: String(row['checksum']),
    state: recordState(row['state'], String(row['name']), table),
    statementsDone: Number(row['statementsDone']),
    progressChecksum: row['progressChecksum'] === null ? null : String(row['progressChecksum']),
    startedAt: (row['startedAt'] as Date | null) ?? null,
    appliedAt: (row['appliedAt'] as Date | null) ?? null,
  }));
}
