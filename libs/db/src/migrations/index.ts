export { ALREADY_APPLIED_ERRORS, isAlreadyApplied } from './already-applied';
export { APP_USER_PRIVILEGES, type AppUserSync, syncAppUser, type SyncAppUserOptions } from './app-user';
export { checksum, loadMigrations, type Migration, MIGRATION_FILE, MigrationFileError, validateMigrations } from './load-migrations';
export { MigrationError, type MigrationErrorDetails } from './migration-error';
export {
  type AppliedMigration,
  migrate,
  type MigrateOptions,
  type MigrationHooks,
  migrationStatus,
  type MigrationStatus,
  type MigrationStep,
  type UnfinishedMigration,
} from './migrate';
