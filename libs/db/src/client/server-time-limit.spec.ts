import { findPinningReasons } from '../pinning';
import { serverLimitMs, withServerTimeLimit } from './server-time-limit';

describe('withServerTimeLimit', () => {
  it('puts the MAX_EXECUTION_TIME hint after a MySQL SELECT, comments and case kept', () => {
    expect(withServerTimeLimit('SELECT * FROM items WHERE id = ?', 1500, false)).toBe('SELECT /*+ MAX_EXECUTION_TIME(1500) */ * FROM items WHERE id = ?');
    expect(withServerTimeLimit('/* list */ select id from items', 900.7, false)).toBe('/* list */ select /*+ MAX_EXECUTION_TIME(900) */ id from items');
  });

  it('leaves MySQL writes, DDL and statements that already have a hint unchanged', () => {
    for (const sql of ['INSERT INTO items (name) VALUES (?)', 'UPDATE items SET name = ?', 'CREATE TABLE t (id INT)', 'SELECT /*+ BKA(t) */ * FROM t']) {
      expect(withServerTimeLimit(sql, 1000, false)).toBe(sql);
    }
  });

  it('uses SET STATEMENT max_statement_time … FOR on MariaDB reads and writes', () => {
    expect(withServerTimeLimit('SELECT 1', 1500, true)).toBe('SET STATEMENT max_statement_time=1.500 FOR SELECT 1');
    expect(withServerTimeLimit('  DELETE FROM items WHERE id = ?', 20, true)).toBe('SET STATEMENT max_statement_time=0.020 FOR DELETE FROM items WHERE id = ?');
    expect(withServerTimeLimit('START TRANSACTION', 1000, true)).toBe('START TRANSACTION');
    expect(withServerTimeLimit('SET NAMES utf8mb4', 1000, true)).toBe('SET NAMES utf8mb4');
  });

  it('does not make a MySQL statement pin an RDS Proxy session (the hint is a comment to the proxy)', () => {
    const statements = ['SELECT id, name FROM items WHERE id > ? ORDER BY id LIMIT ?', 'SELECT NOW() AS now', '(SELECT 1) UNION (SELECT 2)'];
    for (const sql of statements) {
      expect(findPinningReasons(sql)).toEqual([]);
      expect(findPinningReasons(withServerTimeLimit(sql, 2_000, false))).toEqual([]);
    }
  });
});

describe('serverLimitMs', () => {
  it('leaves the server a little less than the client, so its clean error arrives first', () => {
    expect(serverLimitMs(10_000)).toBe(9_750);
    expect(serverLimitMs(500)).toBe(400);
    expect(serverLimitMs(10)).toBeUndefined();
  });
});
