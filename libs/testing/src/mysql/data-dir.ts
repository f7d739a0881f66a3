import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { track, untrack } from './cleanup-registry';
import { readLogTail } from './error-log';
import type { ServerBinary } from './find-server';
import { createRunDir, type RunDir, TEMP_PREFIX } from './run-dir';
import { INIT_PASS_THROUGH_FLAGS, runningAsRoot } from './server-args';

const run = promisify(execFile);

/** Bump when the init arguments change, so old templates are not reused. */
const INIT_FORMAT = 3;

function initCommand(binary: ServerBinary, dataDir: string, logFile: string, tmpDir: string): { file: string; args: string[] } {
  const asRoot = runningAsRoot() ? ['--user=root'] : [];
  if (binary.installDb !== undefined) {
    return {
      file: binary.installDb,
      args: [
        '--no-defaults',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--skip-name-resolve',
        ...asRoot,
        `--basedir=${dirname(dirname(realpathSync(binary.path)))}`,
        `--datadir=${dataDir}`,
        `--tmpdir=${tmpDir}`,
        ...INIT_PASS_THROUGH_FLAGS,
      ],
    };
  }
  // MySQL 5.7.6+/8.x initialise themselves; root@localhost gets an empty password.
  return {
    file: binary.path,
    args: ['--no-defaults', '--initialize-insecure', ...asRoot, `--datadir=${dataDir}`, `--tmpdir=${tmpDir}`, `--log-error=${logFile}`, '--innodb-buffer-pool-size=16M'],
  };
}

/**
 * Creates a fresh data directory at `dataDir` (which must not exist yet) with the system tables and a
 * passwordless `root@localhost`. MariaDB uses `mariadb-install-db`; MySQL uses `mysqld --initialize-insecure`,
 * which is best effort: it is not exercised on the machines this was built on.
 *
 * @example
 * await initialiseDataDir(binary, '/tmp/x/data', '/tmp/x/init.log');
 */
export async function initialiseDataDir(binary: ServerBinary, dataDir: string, logFile: string): Promise<void> {
  // A private tmpdir: two initialisations at once (parallel test runs) otherwise clash on temp tables in /tmp.
  const tmpDir = `${dataDir}.init-tmp`;
  mkdirSync(tmpDir, { recursive: true });
  const { file, args } = initCommand(binary, dataDir, logFile, tmpDir);
  try {
    await run(file, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    const detail = [output.stderr, output.stdout].filter(Boolean).join('\n').trim().split('\n').slice(-20).join('\n');
    throw new Error(`Initialising a data directory with ${file} failed.\n${detail || readLogTail(logFile)}`, { cause: error });
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

/**
 * Where the template for this binary lives: keyed by binary, version, init format and uid, so an upgrade
 * or another user never reuses it.
 *
 * @example
 * templatePath(binary); // '/tmp/serverless-app-mysql-template-mariadb-3f9a1c2b7d0e4a51'
 */
export function templatePath(binary: ServerBinary, parent: string = tmpdir()): string {
  const key = createHash('sha256')
    .update(JSON.stringify([realpathSync(binary.path), binary.versionText, INIT_FORMAT, process.getuid?.() ?? 'any']))
    .digest('hex')
    .slice(0, 16);
  return join(parent, `${TEMP_PREFIX}template-${binary.flavor}-${key}`);
}

const MANIFEST = '.template-manifest.json';

/** Relative path → size of every file under `root`, except the manifest itself. */
function listFiles(root: string, relative = ''): Record<string, number> {
  const files: Record<string, number> = {};
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    const path = join(relative, entry.name);
    if (entry.isDirectory()) Object.assign(files, listFiles(root, path));
    else if (path !== MANIFEST) files[path] = statSync(join(root, path)).size;
  }
  return files;
}

/**
 * `usable`, `missing`, `foreign` (not ours: never trust or touch it) or `broken` (files gone or changed,
 * e.g. by a temp-folder cleaner).
 */
function templateState(path: string): 'usable' | 'missing' | 'foreign' | 'broken' {
  let owner: number;
  try {
    owner = statSync(path).uid;
  } catch {
    return 'missing';
  }
  const uid = process.getuid?.();
  if (uid !== undefined && owner !== uid) return 'foreign';
  try {
    const expected = JSON.parse(readFileSync(join(path, MANIFEST), 'utf8')) as Record<string, number>;
    const actual = listFiles(path);
    const names = Object.keys(expected);
    const same = names.length === Object.keys(actual).length && names.every((name) => actual[name] === expected[name]);
    return same ? 'usable' : 'broken';
  } catch {
    return 'broken';
  }
}

/**
 * Returns the template data dir, building it first if needed; `undefined` when the path is held by
 * another user. It is built in a private dir and renamed into place, so readers never see a half-built
 * template; losing the race to a concurrent builder is fine. A damaged template is moved aside and rebuilt.
 *
 * @example
 * const template = await ensureTemplate(binary);
 */
export async function ensureTemplate(binary: ServerBinary, parent: string = tmpdir()): Promise<string | undefined> {
  const target = templatePath(binary, parent);
  const state = templateState(target);
  if (state === 'usable') return target;
  if (state === 'foreign') return undefined;
  const build = createRunDir('build-', parent);
  track(build.root);
  try {
    if (state === 'broken') {
      // Renaming is atomic, so a concurrent reader copies either the old dir whole or nothing.
      try {
        renameSync(target, join(build.root, 'broken'));
      } catch {
        // Someone else moved it first.
      }
    }
    await initialiseDataDir(binary, build.data, join(build.root, 'init.log'));
    writeFileSync(join(build.data, MANIFEST), JSON.stringify(listFiles(build.data)));
    try {
      renameSync(build.data, target);
    } catch (error) {
      if (!existsSync(target)) throw new Error(`Could not move the data-dir template into ${target}`, { cause: error });
    }
  } finally {
    rmSync(build.root, { recursive: true, force: true });
    untrack(build.root);
  }
  return target;
}

/**
 * Fills `dir.data` either by copying the per-version template kept next to `dir` (`useTemplate`) or by
 * initialising it.
 *
 * @example
 * await prepareDataDir(binary, dir, true);
 */
export async function prepareDataDir(binary: ServerBinary, dir: RunDir, useTemplate: boolean): Promise<void> {
  if (!useTemplate) {
    await initialiseDataDir(binary, dir.data, join(dir.root, 'init.log'));
    return;
  }
  const template = await ensureTemplate(binary, dirname(dir.root));
  if (template === undefined) {
    await initialiseDataDir(binary, dir.data, join(dir.root, 'init.log'));
    return;
  }
  // auto.cnf holds MySQL's server UUID: each copy should get its own.
  const skip = new Set([join(template, MANIFEST), join(template, 'auto.cnf')]);
  cpSync(template, dir.data, { recursive: true, filter: (source) => !skip.has(source) });
}
