import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, isAlive, readPidFile } from './process-utils';
import { OWNER_FILE, SERVER_PID_FILE, TEMP_PREFIX } from './run-dir';

/**
 * Removes harness temp dirs whose owner process is dead (a run that was SIGKILLed before its watchdog
 * could act), killing their server first if it still runs. Dirs without an owner file (templates) and
 * dirs of live owners are left alone. Returns the removed paths.
 *
 * @example
 * reapStaleDirs(); // ['/tmp/serverless-app-mysql-run-AbC123']
 */
export function reapStaleDirs(parent: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(TEMP_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const root = join(parent, name);
    const owner = readPidFile(join(root, OWNER_FILE));
    if (owner === undefined || isAlive(owner)) continue;
    const server = readPidFile(join(root, SERVER_PID_FILE));
    // Only kill a live pid that is provably this dir's server: the pid may have been reused.
    if (server !== undefined && isAlive(server) && commandLine(server)?.includes(root)) {
      try {
        process.kill(server, 'SIGKILL');
      } catch {
        // Gone in the meantime.
      }
    }
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
      removed.push(root);
    } catch {
      // Another process is reaping it too, or it is not ours to remove.
    }
  }
  return removed;
}
