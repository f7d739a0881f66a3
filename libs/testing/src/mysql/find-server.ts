import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import serverLocations from './server-locations.json';

/** A MySQL-compatible server binary found on this machine. */
export interface ServerBinary {
  /** Absolute path of `mariadbd` or `mysqld`. */
  path: string;
  flavor: 'mariadb' | 'mysql';
  /** First line of `--version`, used to key the data-dir template. */
  versionText: string;
  /** `mariadb-install-db`/`mysql_install_db` for MariaDB; `undefined` for MySQL (it initialises itself). */
  installDb: string | undefined;
}

/** Thrown when neither a server binary nor an admin URL is available. */
export class MysqlServerNotFoundError extends Error {
  constructor(searched: readonly string[]) {
    super(
      'No MySQL-compatible server found: looked for mariadbd and mysqld in ' +
        `${searched.join(', ') || '(no directories)'}. Install one ` +
        '(Debian/Ubuntu: `sudo apt-get install -y mariadb-server`; macOS: `brew install mariadb`) ' +
        'or set MYSQL_URL to the admin URL of an existing server, e.g. mysql://root:password@127.0.0.1:3306.',
    );
    this.name = 'MysqlServerNotFoundError';
  }
}

/**
 * Server binary names in order of preference, and the folders searched after `PATH`. The same JSON is read by
 * the plain-Node set-up step (`tools/src/setup/ensure-ready.mjs`), which cannot import TypeScript.
 */
export const SERVER_LOCATIONS: { readonly binaries: readonly string[]; readonly directories: readonly string[] } = serverLocations;

/**
 * The directories searched for server binaries: `env.PATH`, then the usual sbin and Homebrew folders that are
 * often missing from a user's `PATH` ({@link SERVER_LOCATIONS}).
 *
 * @example
 * defaultSearchPath(); // ['/usr/local/bin', '/usr/bin', ..., '/usr/sbin', '/usr/local/mysql/bin', '/opt/homebrew/bin', ...]
 * defaultSearchPath({ PATH: '/x/bin' })[0]; // '/x/bin'
 */
export function defaultSearchPath(env: Record<string, string | undefined> = process.env): string[] {
  const fromPath = (env['PATH'] ?? '').split(delimiter).filter((dir) => dir.length > 0);
  return [...new Set([...fromPath, ...SERVER_LOCATIONS.directories])];
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findIn(dirs: readonly string[], names: readonly string[]): string | undefined {
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * The path of the preferred server binary in `dirs` (`mariadbd` anywhere before `mysqld` anywhere), or
 * `undefined`. Only looks at files: nothing is run.
 *
 * @example
 * locateServer(defaultSearchPath()); // '/usr/sbin/mariadbd'
 */
export function locateServer(dirs: readonly string[]): string | undefined {
  for (const name of SERVER_LOCATIONS.binaries) {
    const found = findIn(dirs, [name]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Finds `mariadbd` (preferred) or `mysqld` and, for MariaDB, its install tool.
 *
 * @throws {MysqlServerNotFoundError} when no server binary is in `dirs`.
 * @example
 * const server = findServer(defaultSearchPath());
 * server.flavor; // 'mariadb'
 */
export function findServer(dirs: readonly string[]): ServerBinary {
  const path = locateServer(dirs);
  if (path === undefined) throw new MysqlServerNotFoundError(dirs);

  let versionText: string;
  try {
    versionText = execFileSync(path, ['--no-defaults', '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    throw new Error(`Could not run ${path} --version`, { cause: error });
  }
  const flavor = /mariadb/i.test(versionText) ? 'mariadb' : 'mysql';
  if (flavor === 'mysql') return { path, flavor, versionText, installDb: undefined };

  // Tarball layouts keep the install script next to the server or in ../scripts.
  const home = dirname(dirname(realpathSync(path)));
  const installDirs = [...dirs, dirname(path), join(home, 'bin'), join(home, 'scripts')];
  const installDb = findIn(installDirs, ['mariadb-install-db', 'mysql_install_db']);
  if (installDb === undefined) {
    throw new Error(`Found ${path} but not mariadb-install-db or mysql_install_db next to it; install the full MariaDB server package.`);
  }
  return { path, flavor, versionText, installDb };
}
