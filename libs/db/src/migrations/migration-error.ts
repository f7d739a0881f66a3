import type { DriverErrorInfo } from '../errors';

/** Where and why a migration run stopped. Never carries SQL text or the server's message (it may quote the SQL). */
export interface MigrationErrorDetails extends DriverErrorInfo {
  /** 1-based number of the statement in the migration file. */
  statement?: number;
  cause?: unknown;
}

/**
 * A migration could not be applied, or the recorded history does not match the files.
 * `code`/`errno`/`sqlState` are the server's or driver's, when a statement or connection failed.
 *
 * @example
 * catch (e) { if (e instanceof MigrationError) logger.error('migration failed', { migration: e.migration, statement: e.statement, code: e.code }); }
 */
export class MigrationError extends Error {
  override name = 'MigrationError';
  readonly statement: number | undefined;
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly sqlState: string | undefined;
  constructor(
    message: string,
    readonly migration?: string,
    details: MigrationErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.statement = details.statement;
    this.code = details.code;
    this.errno = details.errno;
    this.sqlState = details.sqlState;
  }
}
