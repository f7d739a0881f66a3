import { type Connection, type ConnectionOptions, createConnection } from 'mysql2/promise';
import { type DbClientLogger, silentLogger } from '../logger';
import { checksum, type Migration, validateMigrations } from './load-migrations';

/** Options for {@link migrate} and {@link migrationStatus}. */
export interface MigrateOptions {
  /** Where to connect (the admin or app user that owns the schema). `multipleStatements` is turned on. */
  connection: ConnectionOptions;
  migrations: readonly Migration[];
  /** Table recording applied migrations. @default 'schema_migrations' */
  table?: string;
  /** Seconds to wait for another runner to finish. @default 120 */
  lockTimeoutSeconds?: number;
  logger?: DbClientLogger;
}

/** A migration recorded as applied. */
export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: Date;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: string[];
  /** Applied migrations whose SQL has changed since. */
  changed: string[];
  /** Applied migrations no longer in the list. */
  unknown: string[];
}

/** A migration could not be applied, or the recorded history does not match the files. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    message: string,
    readonly migration?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function tableName(options: MigrateOptions): string {
  const table = options.table ?? 'schema_migrations';
  if (!IDENTIFIER.test(table)) throw new MigrationError(`migrations table name "${table}" is not a plain identifier`);
  return `\`${table}\``;
}

async function withConnection<T>(options: MigrateOptions, fn: (conn: Connection) => Promise<T>): Promise<T> {
  // A dedicated connection: migrations run once per deploy, so pinning an RDS Proxy
  // session (multi-statement files, GET_LOCK) costs nothing here.
  const conn = await createConnection({ ...options.connection, multipleStatements: true });
  try {
    return await fn(conn);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

async function ensureTable(conn: Connection, table: string): Promise<void> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
       name VARCHAR(255) NOT NULL PRIMARY KEY,
       checksum CHAR(64) NOT NULL,
       applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       duration_ms INT NOT NULL
     )`,
  );
}

async function readStatus(conn: Connection, table: string, migrations: readonly Migration[]): Promise<MigrationStatus> {
  const [rows] = await conn.query(`SELECT name, checksum, applied_at AS appliedAt FROM ${table} ORDER BY name`);
  const applied = rows as AppliedMigration[];
  const recorded = new Map(applied.map((a) => [a.name, a.checksum]));
  const known = new Set(migrations.map((m) => m.name));
  return {
    applied,
    pending: migrations.filter((m) => !recorded.has(m.name)).map((m) => m.name),
    changed: migrations.filter((m) => recorded.has(m.name) && recorded.get(m.name) !== checksum(m.sql)).map((m) => m.name),
    unknown: applied.filter((a) => !known.has(a.name)).map((a) => a.name),
  };
}

/**
 * What is applied and what is pending. Creates the migrations table if needed.
 *
 * @example
 * const { pending } = await migrationStatus({ connection, migrations });
 */
export async function migrationStatus(options: MigrateOptions): Promise<MigrationStatus> {
  const migrations = validateMigrations(options.migrations);
  const table = tableName(options);
  return withConnection(options, async (conn) => {
    await ensureTable(conn, table);
    return readStatus(conn, table, migrations);
  });
}

/**
 * Applies pending migrations in order, each recorded with its checksum once it
 * succeeded. Safe to run again (nothing to do) and from several processes at
 * once (a `GET_LOCK` makes the others wait, then find nothing pending). Refuses
 * to run when an applied migration's SQL changed. A failed migration is not
 * recorded; MySQL cannot roll back DDL, so keep one DDL change per migration.
 *
 * @example
 * const { applied } = await migrate({ connection: { host, port, user, password, database }, migrations: loadMigrations(dir) });
 */
export async function migrate(options: MigrateOptions): Promise<{ applied: string[]; status: MigrationStatus }> {
  const migrations = validateMigrations(options.migrations);
  const table = tableName(options);
  const logger = options.logger ?? silentLogger;
  const lockTimeout = options.lockTimeoutSeconds ?? 120;
  return withConnection(options, async (conn) => {
    const lockName = `${String(options.connection.database ?? '')}.${table}`.slice(0, 64);
    const [[lock]] = (await conn.query('SELECT GET_LOCK(?, ?) AS got', [lockName, lockTimeout])) as unknown as [[{ got: number | null }]];
    if (lock?.got !== 1) throw new MigrationError(`another migration run held the lock for more than ${lockTimeout} s`);
    try {
      await ensureTable(conn, table);
      const status = await readStatus(conn, table, migrations);
      if (status.changed.length > 0) {
        throw new MigrationError(`applied migrations were changed afterwards: ${status.changed.join(', ')}; add a new migration instead`);
      }
      if (status.unknown.length > 0) logger.warn('applied migrations missing from the list', { migrations: status.unknown });
      const applied: string[] = [];
      for (const migration of migrations.filter((m) => status.pending.includes(m.name))) {
        const started = Date.now();
        try {
          await conn.query(migration.sql);
        } catch (cause) {
          const code = (cause as { code?: string }).code;
          throw new MigrationError(`migration ${migration.name} failed${code ? ` (${code})` : ''}: ${(cause as Error).message}`, migration.name, { cause });
        }
        const durationMs = Date.now() - started;
        await conn.query(`INSERT INTO ${table} (name, checksum, duration_ms) VALUES (?, ?, ?)`, [migration.name, checksum(migration.sql), durationMs]);
        logger.info('migration applied', { migration: migration.name, durationMs });
        applied.push(migration.name);
      }
      return { applied, status: await readStatus(conn, table, migrations) };
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    }
  });
}
