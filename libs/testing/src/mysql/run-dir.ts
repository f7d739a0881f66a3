import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every directory the harness creates in the temp folder starts with this, so strays are recognisable. */
export const TEMP_PREFIX = 'serverless-app-mysql-';
/** File holding the pid of the process that owns a temp dir; a dir whose owner is dead is stale. */
export const OWNER_FILE = 'owner.pid';
/** File holding the pid of the server started in a temp dir (written by the harness, read by the watchdog). */
export const SERVER_PID_FILE = 'server.pid';

/** The files of one local server, all inside one temp dir. */
export interface RunDir {
  root: string;
  data: string;
  socket: string;
  pidFile: string;
  errorLog: string;
  tmp: string;
  files: string;
}

/**
 * Creates `<tmp>/serverless-app-mysql-<kind><random>/` owned by this process.
 *
 * @example
 * const dir = createRunDir('run-');
 * dir.errorLog; // '/tmp/serverless-app-mysql-run-AbC123/error.log'
 */
export function createRunDir(kind: string, parent: string = tmpdir()): RunDir {
  const root = mkdtempSync(join(parent, `${TEMP_PREFIX}${kind}`));
  writeFileSync(join(root, OWNER_FILE), `${process.pid}\n`);
  const dir: RunDir = {
    root,
    data: join(root, 'data'),
    socket: join(root, 'mysqld.sock'),
    pidFile: join(root, 'mysqld.pid'),
    errorLog: join(root, 'error.log'),
    tmp: join(root, 'tmp'),
    files: join(root, 'files'),
  };
  mkdirSync(dir.tmp);
  mkdirSync(dir.files);
  return dir;
}
