import { isReplayableRead, statementKind } from './statement-kind';

describe('isReplayableRead', () => {
  it.each([
    'SELECT NOW()',
    '  select * from items where id = ?',
    '/* list */ SELECT 1',
    '-- comment\nSELECT 1',
    '(SELECT 1) UNION (SELECT 2)',
    'SHOW TABLES',
    'EXPLAIN SELECT 1',
  ])('replays %p', (sql) => {
    expect(isReplayableRead(sql)).toBe(true);
  });

  it.each([
    'INSERT INTO items (name) VALUES (?)',
    'UPDATE items SET name = ?',
    'DELETE FROM items',
    'SELECT * FROM items FOR UPDATE',
    'SELECT * FROM items LOCK IN SHARE MODE',
    'SELECT GET_LOCK(?, 1)',
    'SELECT NEXTVAL(seq)',
    'SELECT 1 INTO @x',
    'WITH t AS (SELECT 1) DELETE FROM items',
    '/*!50000 DELETE */ FROM items',
    'CALL refresh_stats()',
    '',
  ])('does not replay %p', (sql) => {
    expect(isReplayableRead(sql)).toBe(false);
  });
});

describe('statementKind', () => {
  it.each([
    ['SELECT NOW()', 'select'],
    ['/* list */ (select 1) UNION (SELECT 2)', 'select'],
    ['-- note\nINSERT INTO items (name) VALUES (?)', 'insert'],
    ['REPLACE INTO items (id, name) VALUES (?, ?)', 'insert'],
    ['  update items SET name = ?', 'update'],
    ['DELETE FROM items WHERE id = ?', 'delete'],
    ['SHOW TABLES', 'other'],
    ['CREATE TABLE t (id INT)', 'other'],
    ['', 'other'],
  ])('%p is %p', (sql, kind) => {
    expect(statementKind(sql)).toBe(kind);
  });
});
