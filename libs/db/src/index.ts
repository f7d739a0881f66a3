// The public API of libs/db: what the api, the migration runner and the tools use, and the types their
// signatures need. Everything else is internal to the library.
export {
  connectionOptions,
  type ConnectionTarget,
  createDbClient,
  type DbClient,
  type DbClientOptions,
  type DbClientCounters,
  type DbClientStats,
  lazyDbClient,
  type PoolOptions,
  type Queryable,
  type StatementInstrument,
  type StatementOptions,
  type TransactionOptions,
  type WriteResult,
} from './client';
export { type CredentialsProvider, type DbCredentials, type DbSecret, staticCredentials } from './credentials';
export {
  DatabaseAuthError,
  DatabaseError,
  DatabaseUnavailableError,
  type DriverErrorInfo,
  DriverErrorSummary,
  DuplicateEntryError,
  QueryTimeoutError,
  StatementOutcomeUnknownError,
  type UnavailableReason,
} from './errors';
export { classify, driverInfo, type FailureKind } from './classify';
export type { DbClientLogger } from './logger';
export type { InstrumentedKind } from './statement-kind';
export type { TlsOption } from './tls';
export type { RetryOptions } from './retry';
export { type IamAuthOptions, type IamTokenSource, rdsIamTokenSource } from './iam-auth';
export {
  createPinningGuard,
  defaultPinningMode,
  PINNING_WARNING_MESSAGE,
  PinningError,
  type PinningGuard,
  type PinningGuardOptions,
  type PinningMode,
} from './pinning';
export {
  CredentialsUnavailableError,
  type SecretsManagerCredentials,
  secretsManagerCredentials,
  type SecretsManagerCredentialsOptions,
} from './secrets';
export {
  loadMigrations,
  migrate,
  type MigrateOptions,
  type Migration,
  MIGRATION_FILE,
  MigrationError,
  migrationStatus,
  type MigrationStatus,
  syncAppUser,
  type SyncAppUserOptions,
} from './migrations';
