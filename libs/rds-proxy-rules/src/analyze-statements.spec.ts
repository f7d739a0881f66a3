import { analyzeStatements } from './find-pinning-reasons';

describe('analyzeStatements', () => {
  describe('tracked changes (do not pin; the proxy carries them to the next connection)', () => {
    it.each<[sql: string, tracked: string[]]>([
      ['SET autocommit = 0', ['autocommit']],
      ["SET SESSION sql_mode = 'ANSI', @@session.time_zone = '+00:00'", ['sql_mode', 'time_zone']],
      ['SET @@SESSION.transaction_isolation = "READ-COMMITTED"', ['transaction_isolation']],
      ['SET LOCAL tx_read_only = 1', ['tx_read_only']],
      ['SET NAMES utf8mb4 COLLATE utf8mb4_bin', ['names']],
      ['SET CHARACTER SET latin1', ['names']],
      ['SET CHARSET utf8mb4', ['names']],
      ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', ['transaction']],
      ['USE app', ['database']],
      ['DROP DATABASE IF EXISTS scratch', ['database']],
      ['DROP SCHEMA scratch', ['database']],
      ["SET autocommit = 1, sql_mode = ''; USE app", ['autocommit', 'sql_mode', 'database']],
    ])('%s → %j', (sql, tracked) => {
      const analysis = analyzeStatements(sql);

      expect(analysis.trackedChanges).toEqual(tracked);
      expect(analysis.findings).toEqual([]);
    });

    it.each([
      'SELECT @@autocommit, @@session.sql_mode',
      "SELECT 'USE app'",
      '-- SET NAMES latin1\nSELECT 1',
      'DROP TABLE t',
      'CREATE PROCEDURE p() BEGIN SET autocommit = 0; END',
    ])('%s changes nothing tracked', (sql) => {
      expect(analyzeStatements(sql).trackedChanges).toEqual([]);
    });

    it('does not call untracked, next-transaction or global changes tracked: they pin (or may)', () => {
      const analysis = analyzeStatements('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SET GLOBAL sql_mode = ""; SET @@tx_isolation = "READ-COMMITTED"; SET foreign_key_checks = 0');

      expect(analysis.trackedChanges).toEqual([]);
      expect(analysis.findings.map((f) => `${f.code}:${f.certainty}`)).toEqual([
        'transaction-characteristics:always',
        'global-variable:may',
        'transaction-characteristics:always',
        'session-variable:always',
      ]);
    });

    it('reports both what pins and what is tracked in one assignment list', () => {
      const analysis = analyzeStatements("SET @a = 1, time_zone = 'UTC'");

      expect(analysis.trackedChanges).toEqual(['time_zone']);
      expect(analysis.findings.map((f) => f.code)).toEqual(['user-variable']);
    });
  });

  describe('multi-statement texts', () => {
    it('pin only when the connection enabled multi-statements', () => {
      const sql = 'SELECT 1; SELECT 2';

      expect(analyzeStatements(sql).findings).toEqual([]);
      expect(analyzeStatements(sql, { multiStatements: true }).findings).toEqual([
        { code: 'multi-statement', certainty: 'always', message: '2 statements in one text with multi-statements enabled' },
      ]);
    });

    it.each<[sql: string, count: number]>([
      ['SELECT 1', 1],
      ['SELECT 1;', 1],
      ["SELECT ';'; SELECT 2 -- ;", 2],
      ['CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END', 1],
      ['', 0],
      ['  -- only a comment', 0],
    ])('counts the statements of %j: %d', (sql, count) => {
      const analysis = analyzeStatements(sql, { multiStatements: true });

      expect(analysis.statementCount).toBe(count);
      expect(analysis.findings.some((f) => f.code === 'multi-statement')).toBe(count > 1);
    });
  });
});
