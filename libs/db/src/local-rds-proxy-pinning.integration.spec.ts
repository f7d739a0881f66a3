import { findPinningReasons, type PinningCode } from '@serverless-app/rds-proxy-rules';
import { withServerTimeLimit } from './client/server-time-limit';
import { QueryTimeoutError } from './errors';
import { captureLogger } from './integration.test-util';
import { type ProxiedDatabase, startProxiedDatabase } from './local-rds-proxy.test-util';
import { PINNING_WARNING_MESSAGE } from './pinning';

/**
 * libs/db's pinning guard and the local RDS Proxy use one rule set (`@serverless-app/rds-proxy-rules`):
 * what the guard warns about is what pins the proxy session, with the same reason code, and what libs/db
 * sends by itself — statements, transactions, its server time limit — pins nothing.
 */
jest.setTimeout(90_000);

let world: ProxiedDatabase;

beforeAll(async () => {
  world = await startProxiedDatabase();
  await world.server.query(`CREATE TABLE ${world.server.database}.notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(100) NOT NULL, n INT NOT NULL DEFAULT 0)`);
});
afterAll(() => world?.close());

const pinned = () => world.proxy.metrics().DatabaseConnectionsCurrentlySessionPinned;

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a statement the guard warns about pins the proxy session, for the same reason', () => {
  it.each<[what: string, code: PinningCode, sql: string]>([
    ['a user variable', 'user-variable', 'SELECT @total := 1 AS total'],
    ['an untracked session variable', 'session-variable', 'SET foreign_key_checks = 0'],
    ['GET_LOCK', 'get-lock', "SELECT GET_LOCK('notes', 0) AS got"],
    ['a temporary table', 'temporary-table', 'CREATE TEMPORARY TABLE scratch (id INT)'],
    ['a statement over 16 KB', 'statement-size', `SELECT '${'x'.repeat(16_400)}' AS big`],
  ])('%s: the guard warns with code %s, the proxy pins with the same code', async (_what, code, sql) => {
    const logs = captureLogger();
    const db = world.client({ pool: { connectionLimit: 1 } }, logs);
    const pinsBefore = world.proxy.metrics().SessionPinsByReason[code] ?? 0;
    const linesBefore = world.pinLines().length;

    try {
      await (/^SELECT/.test(sql) ? db.query(sql) : db.run(sql));

      const warnings = logs.lines.filter((line) => line.message === PINNING_WARNING_MESSAGE);
      const guardCodes = warnings.flatMap((line) => (line.attributes?.['pinning'] as { codes: PinningCode[] }).codes);
      const pinLines = world.pinLines().slice(linesBefore);
      expect(guardCodes).toEqual([code]);
      expect(pinLines).toHaveLength(1);
      expect(pinLines[0]?.attributes?.['reasons']).toEqual(guardCodes);
      expect((world.proxy.metrics().SessionPinsByReason[code] ?? 0) - pinsBefore).toBe(1);
      expect(pinned()).toBe(1);
      expect(JSON.stringify(logs.lines)).not.toContain('xxxxxxxx'); // the guard never logs the statement
    } finally {
      await db.close();
    }
    await until(() => pinned() === 0); // the session ended with the client: its connection is free again
  });
});

describe('what libs/db sends by itself never pins', () => {
  it('statements, writes, transactions, concurrent calls, deadlines and the server time limit: no pin, no guard warning', async () => {
    const logs = captureLogger();
    const db = world.client({}, logs); // pinning guard 'warn', server time limit 'auto' (the default)
    const before = world.proxy.metrics();
    const linesBefore = world.pinLines().length;

    const { insertId } = await db.run('INSERT INTO notes (body) VALUES (?)', ['first']);
    await db.run('UPDATE notes SET body = ? WHERE id = ?', ['changed', insertId]);
    const rows = await db.query<{ body: string }>('SELECT body FROM notes WHERE id = ?', [insertId]);
    await db.transaction(async (tx) => {
      await tx.run('UPDATE notes SET n = n + 1 WHERE id = ?', [insertId]);
      await tx.query('SELECT n FROM notes WHERE id = ? FOR UPDATE', [insertId]);
    });
    await Promise.all(Array.from({ length: 8 }, (_, i) => db.withDeadline(Date.now() + 10_000).query('SELECT ? AS v', [i])));
    // The server time limit reaches the server through the proxy: the server stops the statement (rolled back).
    const stopped = await db.run('UPDATE notes SET n = n + 100 WHERE id = ? AND SLEEP(2) = 0', [insertId], { timeoutMs: 500 }).catch((e: unknown) => e);
    await db.run('DELETE FROM notes WHERE id = ?', [insertId]);

    const after = world.proxy.metrics();
    expect(rows).toEqual([{ body: 'changed' }]);
    expect(stopped).toBeInstanceOf(QueryTimeoutError);
    expect(stopped).toMatchObject({ applied: false });
    expect(after.QueryRequests - before.QueryRequests).toBeGreaterThanOrEqual(15);
    expect(after.DatabaseConnectionsCurrentlySessionPinned).toBe(0);
    expect(after.SessionPinsByReason).toEqual(before.SessionPinsByReason);
    expect(after.ClientConnectionsNoTLS).toBe(0);
    expect(world.pinLines().slice(linesBefore)).toEqual([]);
    expect(logs.lines.filter((line) => line.message === PINNING_WARNING_MESSAGE)).toEqual([]);
    expect(db.stats().pinningWarnings).toBe(0);
  });

  it("on MariaDB the server time limit is SET STATEMENT ... FOR, which the shared rules call 'may pin': the local proxy does not pin on it", () => {
    // What libs/db sends to MariaDB (the server here) and to MySQL (production, RDS for MySQL 8.4) for the same read.
    const mariadb = withServerTimeLimit('SELECT body FROM notes WHERE id = 1', 400, true);
    const mysql = withServerTimeLimit('SELECT body FROM notes WHERE id = 1', 400, false);

    expect(mariadb).toBe('SET STATEMENT max_statement_time=0.400 FOR SELECT body FROM notes WHERE id = 1');
    expect(findPinningReasons(mariadb)).toEqual([expect.objectContaining({ code: 'session-variable', certainty: 'may' })]);
    expect(findPinningReasons(mysql)).toEqual([]);
  });
});
