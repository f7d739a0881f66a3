import { isReplayableRead } from './statement-kind';

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
