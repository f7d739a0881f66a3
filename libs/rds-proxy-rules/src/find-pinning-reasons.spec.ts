import type { PinningFinding } from './finding';
import { findPinningReasons } from './find-pinning-reasons';

/** `code:certainty` of each finding — compact and order-preserving. */
const reasons = (sql: string): string[] => findPinningReasons(sql).map((f: PinningFinding) => `${f.code}:${f.certainty}`);

describe('findPinningReasons', () => {
  describe.each<[rule: string, pins: Array<[sql: string, expected: string[]]>, lookAlikes: string[]]>([
    [
      'prepared statements (text protocol)',
      [
        ["PREPARE s FROM 'SELECT ?'", ['prepared-statement:always']],
        ['EXECUTE s USING @a', ['prepared-statement:always']],
        ['DEALLOCATE PREPARE s', ['prepared-statement:always']],
        ['DROP PREPARE s', ['prepared-statement:always']],
        ['/*!40000 PREPARE s FROM @sql */', ['prepared-statement:always']],
      ],
      ["SELECT 'PREPARE s FROM x'", 'SELECT prepare, `execute` FROM jobs', 'SELECT * FROM t WHERE id = ? AND name = ?', 'DROP TABLE prepare'],
    ],
    [
      'table locks',
      [
        ['LOCK TABLES orders WRITE', ['lock-tables:always']],
        ['lock table orders read', ['lock-tables:always']],
        ['FLUSH TABLES WITH READ LOCK', ['lock-tables:always']],
        ['FLUSH LOCAL TABLES a, b WITH READ LOCK', ['lock-tables:always']],
        ['FLUSH TABLES t FOR EXPORT', ['lock-tables:may']],
        ['/* why */ LOCK TABLES t WRITE', ['lock-tables:always']],
      ],
      [
        '-- LOCK TABLES t WRITE\nSELECT 1',
        'SELECT * FROM t WHERE id = 1 FOR UPDATE',
        'SELECT * FROM t WHERE id = 1 LOCK IN SHARE MODE',
        'SELECT * FROM t FOR SHARE NOWAIT',
        'SELECT lock_tables_count FROM stats',
        'UNLOCK TABLES',
        'FLUSH TABLES',
        "INSERT INTO audit (what) VALUES ('LOCK TABLES t WRITE')",
      ],
    ],
    [
      'named locks',
      [
        ["SELECT GET_LOCK('jobs', 10)", ['get-lock:always']],
        ['DO get_lock(?, 0)', ['get-lock:always']],
        ['SELECT GET_LOCK /* spaced */ (?, 1)', ['get-lock:always']],
        ["SELECT RELEASE_LOCK('jobs')", ['get-lock:may']],
        ['SELECT RELEASE_ALL_LOCKS()', ['get-lock:may']],
      ],
      [
        "INSERT INTO settings (name) VALUES ('GET_LOCK(')",
        'SELECT `get_lock` FROM t',
        'SELECT get_lock FROM t',
        'SELECT db.get_lock(1)',
        "SELECT IS_FREE_LOCK('jobs'), IS_USED_LOCK('jobs')",
        'SELECT 1 # GET_LOCK(1)',
      ],
    ],
    [
      'user variables',
      [
        ['SET @x = 1', ['user-variable:always']],
        ['SET @x := 1', ['user-variable:always']],
        ["SET @'odd name' = 1", ['user-variable:always']],
        ['SELECT @n := @n + 1 FROM t', ['user-variable:always']],
        ['SELECT@x:=1', ['user-variable:always']],
        ['UPDATE t SET c = (@prev := c)', ['user-variable:always']],
        ['SELECT id INTO @id FROM t LIMIT 1', ['user-variable:always']],
        ['SELECT a, b FROM t LIMIT 1 INTO @a, @b', ['user-variable:always', 'user-variable:always']],
        ['/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE */', ['user-variable:always']],
        ['CALL compute(?, @out)', ['user-variable:may']],
      ],
      [
        "SELECT 'SET @x := 1'",
        'SELECT @x',
        'SELECT @x = 1',
        'SELECT * FROM t WHERE a = ? AND b = ?',
        'SELECT @@session.sql_mode, @@sql_mode',
        'SET sql_mode = @saved',
        "CREATE USER 'app'@'%' IDENTIFIED BY ?",
        'SELECT a INTO OUTFILE ? FROM t',
        'INSERT INTO t (a) VALUES (1)',
        'CALL compute(?, ?)',
      ],
    ],
    [
      'temporary tables',
      [
        ['CREATE TEMPORARY TABLE tmp (id INT)', ['temporary-table:always']],
        ['create temporary table if not exists tmp select 1', ['temporary-table:always']],
        ['CREATE OR REPLACE TEMPORARY TABLE tmp (id INT)', ['temporary-table:always']],
        ['DROP TEMPORARY TABLE IF EXISTS tmp', ['temporary-table:may']],
      ],
      ['CREATE TABLE temporary_items (id INT)', "SELECT 'CREATE TEMPORARY TABLE x'", 'CREATE TABLE t (temporary INT)', 'DROP TABLE tmp'],
    ],
    [
      'LAST_INSERT_ID / FOUND_ROWS / ROW_COUNT (sometimes pin)',
      [
        ['SELECT LAST_INSERT_ID()', ['last-insert-id:may']],
        ['UPDATE seq SET id = LAST_INSERT_ID(id + 1)', ['last-insert-id:may']],
        ['SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10', ['found-rows:may']],
        ['SELECT FOUND_ROWS()', ['found-rows:may']],
        ['SELECT ROW_COUNT()', ['row-count:may']],
      ],
      ['SELECT last_insert_id FROM t', "SELECT 'LAST_INSERT_ID()'", 'SELECT COUNT(*) FROM t', 'SELECT found_rows_total FROM t'],
    ],
    [
      'other session state (undocumented)',
      [
        ['HANDLER t OPEN', ['session-state:may']],
        ["XA START 'x'", ['session-state:may']],
        ['LOCK INSTANCE FOR BACKUP', ['session-state:may']],
        ['SET ROLE ALL', ['session-state:may']],
        ['SET RESOURCE GROUP batch', ['session-state:may']],
      ],
      ['SELECT handler FROM jobs', 'SELECT xa FROM t', "SET PASSWORD = 'x'", "SET DEFAULT ROLE ALL TO 'u'@'%'"],
    ],
    [
      'stored programs and calls (do not pin, per AWS)',
      [],
      [
        'CREATE PROCEDURE p() BEGIN DECLARE x INT; SET x = 1; SET @y = 2; CREATE TEMPORARY TABLE t (a INT); END',
        'CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN GET_LOCK(\'x\', 1)',
        'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1',
        'CALL p(?)',
        'USE app',
        'START TRANSACTION READ ONLY',
        'BEGIN',
      ],
    ],
  ])('%s', (_rule, pins, lookAlikes) => {
    if (pins.length > 0) {
      it.each(pins)('pins: %s', (sql, expected) => {
        // Act
        const found = reasons(sql);

        // Assess
        expect(found).toEqual(expected);
      });
    }

    it.each(lookAlikes.map((sql) => [sql]))('does not pin: %s', (sql) => {
      expect(reasons(sql)).toEqual([]);
    });
  });

  it('reports each statement of a multi-statement text with its index', () => {
    // Prepare
    const sql = "SELECT 1; SET @a = 1; SELECT ';'; LOCK TABLES t READ";

    // Act
    const findings = findPinningReasons(sql);

    // Assess
    expect(findings.map((f) => [f.statementIndex, f.code])).toEqual([
      [1, 'user-variable'],
      [3, 'lock-tables'],
    ]);
  });

  it('analyses the statements that follow a stored program definition', () => {
    const sql = 'CREATE PROCEDURE p() BEGIN SET @x = 1; END; SELECT GET_LOCK(?, 1)';

    expect(findPinningReasons(sql).map((f) => [f.statementIndex, f.code])).toEqual([[1, 'get-lock']]);
  });

  it('reports a duplicated construct once per statement', () => {
    expect(reasons('SELECT LAST_INSERT_ID(), LAST_INSERT_ID()')).toEqual(['last-insert-id:may']);
    expect(reasons('SET @a := 1')).toEqual(['user-variable:always']);
  });

  it('reports every reason in a statement, in order', () => {
    expect(reasons("SET @lock = GET_LOCK('x', 1), sql_auto_is_null = 0")).toEqual([
      'user-variable:always',
      'session-variable:always',
      'get-lock:always',
    ]);
  });

  it('names the construct, never the values, in messages', () => {
    // Prepare
    const sql = "SET @secret_holder = 'hunter2-password'; SELECT GET_LOCK('tenant-42-secret', 10)";

    // Act
    const messages = findPinningReasons(sql).map((f) => f.message);

    // Assess
    expect(messages).toEqual([expect.stringContaining('@secret_holder'), expect.stringContaining('GET_LOCK()')]);
    expect(messages.join(' ')).not.toMatch(/hunter2|tenant-42/);
  });

  it('reports a binary-protocol prepared statement when told the text goes through execute()', () => {
    expect(findPinningReasons('SELECT * FROM t WHERE id = ?', { binaryProtocol: true })).toEqual([
      { code: 'prepared-statement', certainty: 'always', message: expect.stringContaining('binary-protocol') },
    ]);
    expect(findPinningReasons('SELECT * FROM t WHERE id = ?')).toEqual([]);
  });

  it.each([[''], ['   '], [';;;'], ['-- only a comment'], ["'unterminated"], ['/*! unterminated'], ['SET'], ['SET @'], ['LOCK'], ['CREATE']])(
    'copes with degenerate input %j',
    (sql) => {
      expect(() => findPinningReasons(sql)).not.toThrow();
    },
  );
});
