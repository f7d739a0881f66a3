import { type Connection, type ConnectionOptions, createConnection } from 'mysql2/promise';
import { driverInfo } from '../classify';
import { type DbClientLogger, silentLogger } from '../logger';
import { isAlreadyApplied } from './already-applied';
import { checksum, type Migration, validateMigrations } from './load-migrations';
import { MigrationError } from './migration-error';
import { type MigrationStatement, migrationStatements, progressChecksum } from './migration-statements';
import { createTable, type MigrationRecord, type MigrationsTable, readRecords, upgradeTable } from './migrations-table';

/** Where a runner is, for {@link MigrationHooks}. */
export interface MigrationStep {
  migration: string;
  /** 1-based statement number. */
  statement: number;
  /** The runner connection's id (for `KILL`). */
  connectionId: number;
}

/**
 * Seams for crash-recovery tests; leave unset in real runs. `afterStatement`
 * is awaited once a statement ran and before its progress is recorded.
 */
export interface MigrationHooks {
  beforeStatement?(step: MigrationStep): void | Promise<void>;
  afterStatement?(step: MigrationStep): void | Promise<void>;
}

/** Options for {@link migrate} and {@link migrationStatus}. */
export interface MigrateOptions {
  /** Where to connect (the admin or app user that owns the schema). Statements are sent one at a time. */
  connection: ConnectionOptions;
  migrations: readonly Migration[];
  /** Table recording applied migrations. @default 'schema_migrations' */
  table?: string;
  /** Seconds to wait for another runner to finish. @default 120 */
  lockTimeoutSeconds?: number;
  logger?: DbClientLogger;
  hooks?: MigrationHooks;
}

/** A migration recorded as applied. */
export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: Date;
}

/** A migration started and not finished. */
export interface UnfinishedMigration {
  name: string;
  /**
   * `running`: a runner is applying it now, or its run was interrupted (the
   * next run resumes, accepting an "already exists" error from the first
   * statement); `failed`: the last run stopped on a failing statement.
   */
  state: 'running' | 'failed';
  /** Statements committed; the next run starts at the one after. */
  statementsDone: number;
  /** Statements in the migration's file, when it is in the list. */
  statementCount: number | undefined;
  startedAt: Date | null;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  /** Not applied yet, in apply order (unfinished ones included). */
  pending: string[];
  /** Started but not finished. */
  unfinished: UnfinishedMigration[];
  /** Applied migrations whose SQL has changed since, and unfinished ones whose statements already run have. */
  changed: string[];
  /** Recorded migrations no longer in the list. */
  unknown: string[];
}

interface PlannedMigration extends Migration {
  checksum: string;
  statements: MigrationStatement[];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function migrationsTable(options: MigrateOptions): MigrationsTable {
  const name = options.table ?? 'schema_migrations';
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) throw new MigrationError(`migrations table name "${String(name)}" is not a plain identifier`);
  return { name, sql: `\`${name}\`` };
}

function plan(options: MigrateOptions): PlannedMigration[] {
  const { hooks, lockTimeoutSeconds } = options;
  if (lockTimeoutSeconds !== undefined && (!Number.isInteger(lockTimeoutSeconds) || lockTimeoutSeconds < 0)) {
    throw new MigrationError(`lockTimeoutSeconds must be a whole number of seconds, got ${String(lockTimeoutSeconds)}`);
  }
  for (const key of ['beforeStatement', 'afterStatement'] as const) {
    if (hooks?.[key] !== undefined && typeof hooks[key] !== 'function') throw new MigrationError(`hooks.${key} must be a function`);
  }
  return validateMigrations(options.migrations).map((m) => ({ ...m, checksum: checksum(m.sql), statements: migrationStatements(m.sql) }));
}

async function withConnection<T>(options: MigrateOptions, fn: (conn: Connection) => Promise<T>): Promise<T> {
  // A dedicated connection: migrations run once per deploy, so pinning an RDS Proxy
  // session (GET_LOCK) costs nothing here.
  const conn = await createConnection({ ...options.connection, multipleStatements: false });
  // A connection killed while idle reports it as an event; the next statement fails with it anyway.
  conn.on('error', () => undefined);
  try {
    return await fn(conn);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

/** Whether what a record says was run still matches the file. */
function matchesFile(record: MigrationRecord, migration: PlannedMigration): boolean {
  if (record.state === 'applied') return record.checksum === migration.checksum;
  return (
    record.statementsDone <= migration.statements.length &&
    (record.progressChecksum ?? progressChecksum([], 0)) === progressChecksum(migration.statements, record.statementsDone)
  );
}

function buildStatus(records: readonly MigrationRecord[], migrations: readonly PlannedMigration[]): MigrationStatus {
  const byName = new Map(records.map((r) => [r.name, r]));
  const planned = new Map(migrations.map((m) => [m.name, m]));
  return {
    applied: records.filter((r) => r.state === 'applied').map((r) => ({ name: r.name, checksum: r.checksum, appliedAt: r.appliedAt as Date })),
    pending: migrations.filter((m) => byName.get(m.name)?.state !== 'applied').map((m) => m.name),
    unfinished: records
      .filter((r) => r.state !== 'applied')
      .map((r) => ({
        name: r.name,
        state: r.state as UnfinishedMigration['state'],
        statementsDone: r.statementsDone,
        statementCount: planned.get(r.name)?.statements.length,
        startedAt: r.startedAt,
      })),
    changed: migrations.filter((m) => byName.has(m.name) && !matchesFile(byName.get(m.name) as MigrationRecord, m)).map((m) => m.name),
    unknown: records.filter((r) => !planned.has(r.name)).map((r) => r.name),
  };
}

/**
 * What is applied, unfinished and pending. Creates the migrations table if
 * needed; takes no lock and changes nothing else (a table from an earlier
 * runner version is read as it is and upgraded by the next `migrate()`).
 *
 * @example
 * const { pending, unfinished } = await migrationStatus({ connection, migrations });
 */
export async function migrationStatus(options: MigrateOptions): Promise<MigrationStatus> {
  const migrations = plan(options);
  const table = migrationsTable(options);
  return withConnection(options, async (conn) => {
    await createTable(conn, table);
    return buildStatus(await readRecords(conn, table), migrations);
  });
}

/** `ER_NO_SUCH_TABLE 1146`, or the driver's own code or message when the server said nothing. */
function errorSummary(error: unknown): string {
  const { code, errno } = driverInfo(error);
  if (errno !== undefined) return `${code ?? 'server error'} ${errno}`;
  return code ?? (error instanceof Error ? error.message : 'unknown error');
}

/** A server error on a connection that is still usable (so the failure can be recorded). */
const isServerError = (error: unknown): boolean => driverInfo(error).errno !== undefined && (error as { fatal?: unknown }).fatal !== true;

/** Applies one migration from its first unrecorded statement; throws a {@link MigrationError} naming the statement. */
async function applyMigration(
  conn: Connection,
  table: MigrationsTable,
  migration: PlannedMigration,
  record: MigrationRecord | undefined,
  options: MigrateOptions,
  logger: DbClientLogger,
): Promise<void> {
  const { name, statements } = migration;
  const total = statements.length;
  const started = Date.now();
  const resumeAt = record?.statementsDone ?? 0;
  // Only after an interrupted run can the first statement have run without being recorded.
  const interrupted = record?.state === 'running';
  if (record) {
    await conn.query(`UPDATE ${table.sql} SET state = 'running', checksum = ? WHERE name = ?`, [migration.checksum, name]);
    const replayed = statements.slice(0, resumeAt).filter((s) => s.sessionOnly);
    logger.info('resuming migration', { migration: name, statement: resumeAt + 1, statements: total, previousRun: interrupted ? 'interrupted' : 'failed', replayed: replayed.length });
    for (const statement of replayed) {
      await conn.query(statement.text).catch((error: unknown) => {
        const number = statements.indexOf(statement) + 1;
        throw new MigrationError(`migration ${name}: replaying statement ${number} of ${total} failed (${errorSummary(error)})`, name, {
          statement: number,
          ...driverInfo(error),
        });
      });
    }
  } else {
    await conn.query(
      `INSERT INTO ${table.sql} (name, checksum, state, statements_done, progress_checksum, started_at, applied_at, duration_ms)
       VALUES (?, ?, 'running', 0, ?, CURRENT_TIMESTAMP(3), NULL, 0)`,
      [name, migration.checksum, progressChecksum(statements, 0)],
    );
  }
  for (let i = resumeAt; i < total; i += 1) {
    const statement = statements[i] as MigrationStatement;
    const step: MigrationStep = { migration: name, statement: i + 1, connectionId: conn.threadId };
    await options.hooks?.beforeStatement?.(step);
    let phase: 'statement' | 'record' = 'statement';
    try {
      // DML commits together with its progress record; DDL commits implicitly, so a lost
      // connection can leave it run but unrecorded: the next run's first statement.
      if (!statement.sessionOnly) await conn.query('START TRANSACTION');
      try {
        await conn.query(statement.text);
      } catch (error) {
        if (!(interrupted && i === resumeAt && isAlreadyApplied(error, statement.verb))) throw error;
        logger.warn('statement already applied by an interrupted run; recorded as done', { migration: name, statement: i + 1, ...driverInfo(error) });
      }
      phase = 'record';
      await options.hooks?.afterStatement?.(step);
      await conn.query(`UPDATE ${table.sql} SET statements_done = ?, progress_checksum = ? WHERE name = ?`, [i + 1, progressChecksum(statements, i + 1), name]);
      await conn.query('COMMIT');
    } catch (error) {
      if (phase === 'statement' && isServerError(error)) {
        await conn.query('ROLLBACK').catch(() => undefined);
        await conn
          .query(`UPDATE ${table.sql} SET state = 'failed' WHERE name = ?`, [name])
          .then(() => conn.query('COMMIT'))
          .catch(() => undefined);
      }
      const where = `statement ${i + 1} of ${total}`;
      const message =
        phase === 'statement'
          ? `migration ${name} failed at ${where} (${errorSummary(error)})`
          : `migration ${name}: ${where} ran but recording it failed (${errorSummary(error)}); the next run resumes at that statement`;
      throw new MigrationError(message, name, { statement: i + 1, ...driverInfo(error) });
    }
  }
  const durationMs = Date.now() - started;
  await conn.query(`UPDATE ${table.sql} SET state = 'applied', applied_at = CURRENT_TIMESTAMP(3), duration_ms = ? WHERE name = ?`, [durationMs, name]);
  await conn.query('COMMIT');
  logger.info('migration applied', { migration: name, statements: total, durationMs });
}

/**
 * Applies pending migrations in order, one statement at a time, recording
 * each migration as started (with its checksum) before it runs, its progress
 * after every statement, and as applied at the end.
 *
 * - Safe to run again (nothing to do) and from several processes at once (a
 *   `GET_LOCK` makes the others wait, then find nothing pending).
 * - Refuses to run when an applied migration's SQL changed, or an unfinished
 *   one's statements that already ran did.
 * - A run that was interrupted (connection lost, process killed) is resumed
 *   at the first statement not recorded as done. MySQL cannot roll back DDL,
 *   so that statement may have run: if it fails with an "already exists /
 *   already gone" error (see `ALREADY_APPLIED_ERRORS`), it is logged and
 *   recorded as done. The `SET` statements before it are replayed.
 * - Any other failure stops the run with a {@link MigrationError} naming the
 *   migration and the statement number (never the SQL or the server's message);
 *   the next run retries that statement, without the "already exists" leniency.
 * - A table from an earlier version of the runner is upgraded in place.
 *
 * @example
 * const { applied } = await migrate({ connection: { host, port, user, password, database }, migrations: loadMigrations(dir) });
 */
export async function migrate(options: MigrateOptions): Promise<{ applied: string[]; status: MigrationStatus }> {
  const migrations = plan(options);
  const table = migrationsTable(options);
  const logger = options.logger ?? silentLogger;
  const lockTimeout = options.lockTimeoutSeconds ?? 120;
  return withConnection(options, async (conn) => {
    const lockName = `${String(options.connection.database ?? '')}.${table.sql}`.slice(0, 64);
    const [[lock]] = (await conn.query('SELECT GET_LOCK(?, ?) AS got', [lockName, lockTimeout])) as unknown as [[{ got: number | null }]];
    if (lock?.got !== 1) throw new MigrationError(`another migration run held the lock for more than ${lockTimeout} s`);
    try {
      await createTable(conn, table);
      await upgradeTable(conn, table, logger);
      const records = new Map((await readRecords(conn, table)).map((r) => [r.name, r]));
      const status = buildStatus([...records.values()], migrations);
      const changedApplied = status.changed.filter((name) => records.get(name)?.state === 'applied');
      if (changedApplied.length > 0) {
        throw new MigrationError(`applied migrations were changed afterwards: ${changedApplied.join(', ')}; add a new migration instead`);
      }
      if (status.changed.length > 0) {
        throw new MigrationError(
          `partly applied migrations were changed in statements that already ran: ${status.changed.join(', ')}; restore those statements, or repair the schema and the ${table.name} row by hand`,
        );
      }
      if (status.unknown.length > 0) logger.warn('recorded migrations missing from the list', { migrations: status.unknown });
      const applied: string[] = [];
      for (const migration of migrations.filter((m) => status.pending.includes(m.name))) {
        await applyMigration(conn, table, migration, records.get(migration.name), options, logger).catch((error: unknown) => {
          if (error instanceof MigrationError) throw error;
          throw new MigrationError(`migration ${migration.name}: bookkeeping failed (${errorSummary(error)})`, migration.name, driverInfo(error));
        });
        applied.push(migration.name);
      }
      return { applied, status: buildStatus(await readRecords(conn, table), migrations) };
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    }
  });
}
