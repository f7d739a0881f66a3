export { checksum, loadMigrations, type Migration, MIGRATION_FILE, MigrationFileError, validateMigrations } from './load-migrations';
export { type AppliedMigration, migrate, MigrationError, type MigrateOptions, migrationStatus, type MigrationStatus } from './migrate';
