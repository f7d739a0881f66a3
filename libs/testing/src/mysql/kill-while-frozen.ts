import { execFileSync } from 'node:child_process';
import type { MysqlServer } from './types';

const SCRIPT = `
  const mysql = require(process.env.MYSQL2_PROMISE);
  (async () => {
    const c = await mysql.createConnection(JSON.parse(process.env.ADMIN));
    const [rows] = await c.query('SELECT id FROM information_schema.processlist WHERE user = ?', [process.env.TARGET]);
    for (const r of rows) await c.query('KILL ' + Number(r.id)).catch(() => {});
    await c.end();
  })().catch((e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(1); });`;

/**
 * Kills `user`'s connections from another process while this one's event loop is blocked — what a Lambda sees
 * when the proxy closes its idle connections while it is frozen: on waking, its pool still holds them.
 *
 * @example
 * killWhileFrozen(backend.db); // then the next query finds its pooled connection dead
 */
export function killWhileFrozen(server: Pick<MysqlServer, 'admin' | 'app'>, user: string = server.app.user): void {
  execFileSync(process.execPath, ['-e', SCRIPT], {
    env: { ...process.env, MYSQL2_PROMISE: require.resolve('mysql2/promise'), ADMIN: JSON.stringify(server.admin), TARGET: user },
    stdio: 'pipe',
  });
}
