import { findPinningReasons } from './find-pinning-reasons';

const reasons = (sql: string): string[] => findPinningReasons(sql).map((f) => `${f.code}:${f.certainty}`);

describe('SET statements', () => {
  it.each([
    ['SET autocommit = 0'],
    ['SET SESSION sql_mode = ?'],
    ["SET LOCAL time_zone = '+00:00'"],
    ["SET @@session.sql_mode = 'STRICT_ALL_TABLES'"],
    ["SET @@sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')"],
    ['SET NAMES utf8mb4'],
    ["SET NAMES 'utf8mb4' COLLATE 'utf8mb4_0900_ai_ci'"],
    ['SET CHARACTER SET utf8mb4'],
    ['SET CHARSET utf8mb4'],
    ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED'],
    ['SET SESSION TRANSACTION READ ONLY, ISOLATION LEVEL SERIALIZABLE'],
    ['SET transaction_isolation = ?'],
    ["SET SESSION tx_read_only = 1, SESSION transaction_isolation = 'READ-COMMITTED'"],
    ['SET @@session.transaction_isolation = ?'],
    ['SET `wait_timeout` = 60'],
    ['SET character_set_client = utf8mb4, collation_connection = utf8mb4_bin, NAMES utf8mb4, autocommit := 1'],
    ['SET session_track_schema = ON'],
    ['SET auto_increment_increment = 2, interactive_timeout = 10, net_write_timeout = 10, query_cache_type = 0'],
    ["SET PASSWORD FOR 'app'@'%' = ?"],
  ])('tracked or harmless: %s', (sql) => {
    expect(reasons(sql)).toEqual([]);
  });

  it.each([
    ['SET sql_auto_is_null = 0', ['session-variable:always']],
    ['SET SESSION foreign_key_checks = 0', ['session-variable:always']],
    ['SET @@session.unique_checks = 0', ['session-variable:always']],
    ['SET @@max_execution_time = 1000', ['session-variable:always']],
    ['SET session_track_state_change = ON', ['session-variable:always']],
    ['SET auto_increment_offset = 2', ['session-variable:always']],
    ["SET @a = 1, sql_mode = ''", ['user-variable:always']],
    ["SET sql_mode = '', @a = 1", ['user-variable:always']],
    ['SET NAMES utf8mb4, group_concat_max_len = 100000', ['session-variable:always']],
    ['SET sql_mode = (SELECT @m := 1)', ['user-variable:always']],
    ['SET TRANSACTION ISOLATION LEVEL READ COMMITTED', ['transaction-characteristics:always']],
    ['SET TRANSACTION READ ONLY', ['transaction-characteristics:always']],
    ['SET @@transaction_isolation = ?', ['transaction-characteristics:always']],
    ['SET @@tx_read_only = 1', ['transaction-characteristics:always']],
    ['SET GLOBAL max_connections = 100', ['global-variable:may']],
    ['SET @@global.sql_mode = ?', ['global-variable:may']],
    ['SET PERSIST_ONLY x = 1', ['global-variable:may']],
    ['SET GLOBAL TRANSACTION ISOLATION LEVEL SERIALIZABLE', ['global-variable:may']],
    ['SET STATEMENT max_statement_time = 1 FOR SELECT 1', ['session-variable:may']],
  ])('pins: %s', (sql, expected) => {
    expect(reasons(sql)).toEqual(expected);
  });

  it('carries a scope keyword over to later assignments, as MySQL does', () => {
    // Prepare: GLOBAL applies to both; then SESSION switches back.
    const sql = 'SET GLOBAL a = 1, b = 2, SESSION sql_mode = ?, c = 3';

    // Act
    const messages = findPinningReasons(sql).map((f) => `${f.code} ${f.message}`);

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/^global-variable .*\ba\b/),
      expect.stringMatching(/^global-variable .*\bb\b/),
      expect.stringMatching(/^session-variable .*\bc\b/),
    ]);
  });

  it('does not let a @@global. prefix carry over', () => {
    expect(reasons('SET @@global.a = 1, b = 2')).toEqual(['global-variable:may', 'session-variable:always']);
  });

  it('ignores commas inside the value expression', () => {
    expect(reasons("SET sql_mode = REPLACE(REPLACE(@@sql_mode, 'A,B', ''), ',', ''), time_zone = ?")).toEqual([]);
  });

  it('names the variable in the message', () => {
    expect(findPinningReasons('SET SESSION sql_safe_updates = 1')[0]?.message).toContain('sql_safe_updates');
  });
});
