/**
 * System variables RDS Proxy tracks for RDS for MySQL / MariaDB and Aurora
 * MySQL: setting them at session scope does not pin (the proxy only reuses
 * the DB connection for sessions with the same values). Lower case.
 *
 * Source: AWS, "Avoiding pinning an RDS Proxy", section "What RDS Proxy
 * tracks for RDS for MariaDB and RDS for MySQL databases" (same list for
 * Aurora MySQL). `NAMES` and `CHARACTER SET` / `CHAR SET` / `CHARSET` are
 * tracked too; they are statement forms, handled by the SET parser.
 */
export const TRACKED_SESSION_VARIABLES: ReadonlySet<string> = new Set([
  'autocommit',
  'auto_increment_increment',
  'character_set_client',
  'character_set_connection',
  'character_set_database',
  'character_set_filesystem',
  'character_set_results',
  'character_set_server',
  'collation_connection',
  'collation_database',
  'collation_server',
  'interactive_timeout',
  'net_write_timeout',
  'query_cache_type',
  'session_track_schema',
  'sql_mode',
  'time_zone',
  'transaction_isolation',
  'tx_isolation',
  'transaction_read_only',
  'tx_read_only',
  'wait_timeout',
]);

/**
 * Variables with a next-transaction scope. The AWS page's note: RDS Proxy
 * tracks them at session scope but pins when they are set for the next
 * transaction only — `SET TRANSACTION ...` without `SESSION`, or
 * `SET @@transaction_isolation = ...` (MySQL manual: the unscoped `@@` form
 * sets the next-transaction value for these variables).
 */
export const NEXT_TRANSACTION_VARIABLES: ReadonlySet<string> = new Set([
  'transaction_isolation',
  'tx_isolation',
  'transaction_read_only',
  'tx_read_only',
]);
