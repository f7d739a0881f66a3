import { defaultSearchPath, isAlive, locateServer, MysqlServerNotFoundError } from '@serverless-app/testing';
import { createServer } from 'node:net';
import { readStackFile } from './stack-file';

/** The oldest Node.js major the stack (and the workspace, `engines.node`) supports. */
export const MIN_NODE_MAJOR = 20;

/**
 * A problem with Node itself, or `undefined`.
 *
 * @example
 * checkNode('18.19.0'); // 'Node.js 20 or newer is required, found 18.19.0. Install it from https://nodejs.org ...'
 */
export function checkNode(version: string): string | undefined {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) return undefined;
  return (
    `Node.js ${MIN_NODE_MAJOR} or newer is required, found ${version}. Install it from https://nodejs.org ` +
    '(or `nvm install 22`, `brew install node`, `sudo apt-get install -y nodejs` from NodeSource), then run `npm ci` again.'
  );
}

/**
 * A problem with the database prerequisite, or `undefined`: either `MYSQL_URL` is a `mysql://` URL, or the
 * harness finds `mariadbd`/`mysqld` in `searchPath` (by default the harness's own: `PATH`, then the sbin and
 * Homebrew folders). The message for a missing server is {@link MysqlServerNotFoundError}'s (how to install
 * MariaDB, or set `MYSQL_URL`).
 *
 * @example
 * checkDatabase({ PATH: '/nowhere' }, ['/nowhere']); // 'No MySQL-compatible server found: ... `sudo apt-get install -y mariadb-server` ...'
 */
export function checkDatabase(
  env: Record<string, string | undefined>,
  searchPath: readonly string[] = defaultSearchPath(env),
): string | undefined {
  const url = env['MYSQL_URL']?.trim();
  if (url) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      return 'MYSQL_URL is not a URL. Set it to the admin URL of a server you own, e.g. mysql://root:<password>@127.0.0.1:3306, or unset it to start a throwaway server.';
    }
    if (protocol !== 'mysql:') return `MYSQL_URL must start with mysql://, got ${protocol}//…`;
    return undefined;
  }
  return locateServer(searchPath) === undefined ? new MysqlServerNotFoundError(searchPath).message : undefined;
}

/**
 * A problem with the port, or `undefined`: `PORT` must be free on `HOST` (port 0 always is).
 *
 * @example
 * await checkPort('127.0.0.1', 3000); // 'Port 3000 on 127.0.0.1 is in use ... PORT=3001 npm start ...'
 */
export function checkPort(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        resolve(`Port ${port} on ${host} is in use (another \`npm start\`?). Stop that, or pick another port: PORT=${port + 1} npm start (PORT=0 picks a free one).`);
      } else {
        resolve(`Cannot listen on ${host}:${port} (${error.code ?? error.message}). Set HOST and PORT to an address you may use, e.g. HOST=127.0.0.1 PORT=3000.`);
      }
    });
    probe.listen(port, host, () => probe.close(() => resolve(undefined)));
  });
}

/**
 * A problem with the stack file, or `undefined`: another running stack owns it.
 *
 * @example
 * checkStackFile('.local/stack.json', process.pid);
 */
export function checkStackFile(file: string, ownPid: number): string | undefined {
  const other = readStackFile(file);
  if (other === undefined || other.pid === ownPid || !isAlive(other.pid)) return undefined;
  return `Another local stack (pid ${other.pid}, ${other.apiUrl}) is running and owns ${file}. Stop it (Ctrl-C there), or give this one its own file: LOCAL_STACK_FILE=/tmp/stack.json PORT=0 npm start.`;
}
