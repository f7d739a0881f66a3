import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { isAlive, readPidFile } from './process-utils';
import { OWNER_FILE, TEMP_PREFIX } from './run-dir';
import type { MysqlCredentials } from './types';

/**
 * Test helper: true once `pid` no longer runs. A zombie counts as gone: a killed orphan may never be
 * reaped when PID 1 is not an init.
 *
 * @example
 * await waitFor(() => processGone(pid), 'server to die');
 */
export function processGone(pid: number): boolean {
  if (!isAlive(pid)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Test helper: polls `condition` every 100 ms; throws naming `what` after `timeoutMs` (generous: the
 * point is to not hang forever, not to time anything).
 *
 * @example
 * await waitFor(() => !existsSync(dir), 'dir removal');
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Test helper: opens connections as `creds` until the server refuses one or `limit` are open. Returns
 * the open ones and the refusal; the caller closes them.
 *
 * @example
 * const { open, refusal } = await openUntilRefused(server.app, 20);
 */
export async function openUntilRefused(creds: MysqlCredentials, limit: number): Promise<{ open: Connection[]; refusal: unknown }> {
  const open: Connection[] = [];
  while (open.length < limit) {
    try {
      const conn = await createConnection(creds);
      conn.on('error', () => undefined);
      open.push(conn);
    } catch (error) {
      return { open, refusal: error };
    }
  }
  return { open, refusal: undefined };
}

/**
 * Test helper: closes connections, ignoring ones that are already dead.
 *
 * @example
 * await closeAll(open);
 */
export async function closeAll(connections: readonly Connection[]): Promise<void> {
  await Promise.all(connections.map((conn) => conn.end().catch(() => conn.destroy())));
}

/**
 * Test helper: harness temp dirs in `parent` owned by this process.
 *
 * @example
 * expect(ownedTempDirs()).toEqual([]);
 */
export function ownedTempDirs(parent: string = tmpdir()): string[] {
  return readdirSync(parent)
    .filter((name) => name.startsWith(TEMP_PREFIX))
    .map((name) => join(parent, name))
    .filter((dir) => readPidFile(join(dir, OWNER_FILE)) === process.pid);
}
