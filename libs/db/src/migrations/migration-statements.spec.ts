import { createHash } from 'node:crypto';
import { forbiddenStatement, migrationStatements, progressChecksum } from './migration-statements';

const texts = (sql: string) => migrationStatements(sql).map((s) => s.text);

describe('migrationStatements', () => {
  it('splits at top-level semicolons, keeping a leading comment with its statement', () => {
    const sql = "-- items\nCREATE TABLE items (a INT);\n\nINSERT INTO items VALUES (1); -- trailing\n";

    expect(migrationStatements(sql)).toEqual([
      { text: '-- items\nCREATE TABLE items (a INT)', verb: 'CREATE', sessionOnly: false },
      { text: 'INSERT INTO items VALUES (1)', verb: 'INSERT', sessionOnly: false },
    ]);
  });

  it('does not split at a ; inside a string, a quoted name or a comment', () => {
    const sql = "INSERT INTO t (a, `b;c`) VALUES ('x;y', \"z;\") /* ; */ # ;\n; SELECT 2";

    expect(texts(sql)).toEqual(["INSERT INTO t (a, `b;c`) VALUES ('x;y', \"z;\") /* ; */ # ;", 'SELECT 2']);
  });

  it('keeps a stored program body in one statement', () => {
    const sql = 'CREATE TRIGGER t BEFORE INSERT ON items FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END;\nSELECT 1';

    expect(texts(sql)).toEqual(['CREATE TRIGGER t BEFORE INSERT ON items FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END', 'SELECT 1']);
  });

  it('drops empty statements without keeping their ; in the next one', () => {
    expect(texts('SELECT 1;; ;\nSELECT 2;')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('keeps an executable comment whole', () => {
    expect(migrationStatements('/*!40101 SET NAMES utf8mb4 */;\nSELECT 1')).toEqual([
      { text: '/*!40101 SET NAMES utf8mb4 */', verb: 'SET', sessionOnly: true },
      { text: 'SELECT 1', verb: 'SELECT', sessionOnly: false },
    ]);
  });

  it('marks SET as session-only', () => {
    expect(migrationStatements('SET @x = 1; use other; SET GLOBAL y = 2; UPDATE t SET a = 1').map((s) => [s.verb, s.sessionOnly])).toEqual([
      ['SET', true],
      ['USE', false],
      ['SET', true],
      ['UPDATE', false],
    ]);
  });

  it('finds nothing in comments and blanks', () => {
    expect(migrationStatements('-- nothing\n/* here */ \n')).toEqual([]);
    expect(migrationStatements('')).toEqual([]);
  });
});

describe('forbiddenStatement', () => {
  it.each([
    ['START TRANSACTION', 'START TRANSACTION'],
    ['begin', 'BEGIN'],
    ['BEGIN WORK', 'BEGIN'],
    ['COMMIT', 'COMMIT'],
    ['ROLLBACK', 'ROLLBACK'],
    ['SAVEPOINT s', 'SAVEPOINT'],
    ['RELEASE SAVEPOINT s', 'RELEASE SAVEPOINT'],
    ["XA START 'x'", 'XA'],
    ['LOCK TABLES items WRITE', 'LOCK TABLES'],
    ['UNLOCK TABLES', 'UNLOCK TABLES'],
  ])('refuses %s', (sql, control) => {
    const [statement] = migrationStatements(sql);

    expect(statement && forbiddenStatement(statement)).toBe(`${control} is not allowed: the runner commits each statement together with its progress record`);
  });

  it('refuses DELIMITER, a client command', () => {
    const [statement] = migrationStatements('DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //');

    expect(statement && forbiddenStatement(statement)).toBe('DELIMITER is a mysql client command; write a stored program without it');
  });

  it('refuses USE, which would move the bookkeeping to another database', () => {
    const [statement] = migrationStatements('use other');

    expect(statement && forbiddenStatement(statement)).toBe("USE is not allowed: migrations run in the connection's database, where their progress is recorded");
  });

  it.each([['CREATE PROCEDURE p() BEGIN START TRANSACTION; COMMIT; END'], ['START SLAVE'], ['ALTER TABLE items ADD COLUMN begin_at INT'], ['SELECT 1']])(
    'accepts %s',
    (sql) => {
      expect(migrationStatements(sql).map(forbiddenStatement)).toEqual([undefined]);
    },
  );
});

describe('progressChecksum', () => {
  const statements = migrationStatements('CREATE TABLE a (x INT); CREATE TABLE b (x INT); CREATE TABLE c (x INT)');

  it('is the SHA-256 of the JSON list of the statements run so far', () => {
    expect(progressChecksum(statements, 0)).toBe(createHash('sha256').update('[]').digest('hex'));
    expect(progressChecksum(statements, 1)).toBe(createHash('sha256').update('["CREATE TABLE a (x INT)"]').digest('hex'));
  });

  it('depends only on the statements run so far', () => {
    const edited = migrationStatements('CREATE TABLE a (x INT); CREATE TABLE b (x INT); CREATE TABLE c (y INT)');

    expect(progressChecksum(edited, 2)).toBe(progressChecksum(statements, 2));
    expect(progressChecksum(edited, 3)).not.toBe(progressChecksum(statements, 3));
  });
});
