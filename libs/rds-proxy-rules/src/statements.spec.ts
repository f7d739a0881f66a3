import { tokenize } from './lexer';
import { splitStatements } from './statements';

const split = (sql: string): Array<{ first: string | undefined; count: number; storedProgram: boolean }> =>
  splitStatements(tokenize(sql)).map((s) => ({ first: s.tokens[0]?.value, count: s.tokens.length, storedProgram: s.storedProgram }));

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty statements', () => {
    expect(split('SELECT 1; ;SELECT 2;')).toEqual([
      { first: 'SELECT', count: 2, storedProgram: false },
      { first: 'SELECT', count: 2, storedProgram: false },
    ]);
  });

  it('does not split at a semicolon inside a string or comment', () => {
    expect(split("SELECT ';' /* ; */ -- ;\n")).toHaveLength(1);
  });

  it('keeps a BEGIN ... END stored procedure body, with nested blocks, in one statement', () => {
    const sql = [
      'CREATE DEFINER = `admin`@`%` PROCEDURE p()',
      'BEGIN',
      '  DECLARE x INT;',
      '  IF x > 0 THEN SET x = 1; END IF;',
      '  CASE x WHEN 1 THEN SET x = CASE WHEN x THEN 2 END; END CASE;',
      '  lbl: BEGIN SET @y = 1; END lbl;',
      'END;',
      'SELECT 2',
    ].join('\n');

    const statements = split(sql);

    expect(statements.map((s) => [s.first, s.storedProgram])).toEqual([
      ['CREATE', true],
      ['SELECT', false],
    ]);
  });

  it.each([
    ["CREATE DEFINER='u'@'h' FUNCTION f() RETURNS INT RETURN 1"],
    ['CREATE DEFINER=u@h TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1'],
    ['CREATE DEFINER = CURRENT_USER() EVENT e ON SCHEDULE EVERY 1 DAY DO SET @x = 1'],
    ['CREATE OR REPLACE AGGREGATE FUNCTION IF NOT EXISTS f() RETURNS INT RETURN 1'],
  ])('recognises %s as a stored program', (sql) => {
    expect(split(sql)).toEqual([expect.objectContaining({ storedProgram: true })]);
  });

  it.each([['CREATE TABLE event (id INT)'], ['CREATE TEMPORARY TABLE t (id INT)'], ['CREATE VIEW procedure_list AS SELECT 1']])(
    'does not treat %s as a stored program',
    (sql) => {
      expect(split(sql)).toEqual([expect.objectContaining({ storedProgram: false })]);
    },
  );
});
