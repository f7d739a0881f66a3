#!/usr/bin/env node
/**
 * The set-up step in front of `npm start` and `npm test`: on a machine with only Node and npm it installs what
 * the workspace needs, and when everything is there it returns in a few milliseconds, offline and silently.
 *
 *   node tools/src/setup/ensure-ready.mjs <start|test> [--dry-run]
 *
 * 1. Node.js must satisfy `engines.node` of package.json, else it stops saying what to install.
 * 2. A MySQL-compatible server (`mariadbd`/`mysqld` on PATH or in the folders of
 *    libs/testing/src/mysql/server-locations.json, the list the test harness searches too) unless MYSQL_URL is
 *    set; for `test` also the `openssl` CLI (the TLS tests make their certificates with it). What is missing is
 *    installed with apt-get when running as root on a Debian-like system; otherwise it stops with the exact
 *    command to run.
 * 3. `npm ci` when node_modules does not match package-lock.json: the SHA-256 of package-lock.json (with its
 *    size and mtime, so the usual case needs no hashing) is stamped into node_modules/.ensure-ready.json after
 *    each install. Without a matching stamp, an npm-made install newer than package-lock.json (npm 11 writes
 *    node_modules/.package-lock.json last, after package-lock.json) is taken as current, so `npm install <pkg>`
 *    does not cause a reinstall.
 *
 * Plain Node with built-in modules only: node_modules may be missing when it runs. It never prompts.
 * `--dry-run` prints what it would do and changes nothing. For tests: `--uid=<n>`, `--platform=<p>` and
 * `--node-version=<v>` stand in for the process's own values.
 */
// node:crypto and node:child_process are imported only when needed: loading them costs more than every check.
import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVER_LOCATIONS = join(ROOT, 'libs/testing/src/mysql/server-locations.json');
const LOCKFILE = join(ROOT, 'package-lock.json');
const NODE_MODULES = join(ROOT, 'node_modules');
const STAMP = join(NODE_MODULES, '.ensure-ready.json');
const HIDDEN_LOCKFILE = join(NODE_MODULES, '.package-lock.json');
const MODES = ['start', 'test'];
const USAGE = 'usage: node tools/src/setup/ensure-ready.mjs <start|test> [--dry-run]';

const say = (line) => process.stdout.write(`setup: ${line}\n`);
const fail = (text, code = 1) => {
  process.stderr.write(`setup: ${text}\n`);
  process.exit(code);
};

function parseArgs(argv) {
  const options = { mode: undefined, dryRun: false, uid: process.getuid?.(), platform: process.platform, nodeVersion: process.versions.node };
  for (const arg of argv) {
    const [flag, value] = arg.split(/=(.*)/s);
    if (MODES.includes(arg) && options.mode === undefined) options.mode = arg;
    else if (arg === '--dry-run') options.dryRun = true;
    else if (flag === '--uid' && /^\d+$/.test(value ?? '')) options.uid = Number(value);
    else if (flag === '--platform' && value) options.platform = value;
    else if (flag === '--node-version' && value) options.nodeVersion = value;
    else fail(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`, 2);
  }
  if (options.mode === undefined) fail(`say what for: start or test\n${USAGE}`, 2);
  return options;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`cannot read ${file}: ${error.message}`);
  }
}

/** The oldest Node major package.json's `engines.node` (`>=20`) allows. */
function requiredNodeMajor() {
  const range = readJson(join(ROOT, 'package.json')).engines?.node ?? '';
  const match = /^>=\s*(\d+)/.exec(range.trim());
  if (!match) fail(`package.json engines.node must read ">=<major>", got ${JSON.stringify(range)}`);
  return Number(match[1]);
}

function isExecutableFile(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

const pathDirs = () => (process.env.PATH ?? '').split(delimiter).filter((dir) => dir.length > 0);

function findIn(dirs, names) {
  for (const name of names) {
    for (const dir of dirs) {
      if (isExecutableFile(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** Where the harness looks for a server: PATH, then the shared candidate folders, preferred binary first. */
function serverSearch() {
  const locations = readJson(SERVER_LOCATIONS);
  const dirs = [...new Set([...pathDirs(), ...locations.directories])];
  return { dirs, binaries: locations.binaries, found: locations.binaries.map((name) => findIn(dirs, [name])).find(Boolean) };
}

/** The system packages missing for `mode`, each with how to get it elsewhere. */
function missingSystemPackages(mode) {
  const missing = [];
  if (!process.env.MYSQL_URL?.trim()) {
    const search = serverSearch();
    if (!search.found) {
      missing.push({
        apt: 'mariadb-server',
        brew: 'mariadb',
        what: `no MySQL-compatible server (${search.binaries.join(' or ')}) in ${search.dirs.join(', ')}, and MYSQL_URL is not set`,
        otherwise: 'Or set MYSQL_URL to the admin URL of a server you own, e.g. MYSQL_URL=mysql://root:<password>@127.0.0.1:3306.',
      });
    }
  }
  if (mode === 'test' && !findIn(pathDirs(), ['openssl'])) {
    missing.push({ apt: 'openssl', brew: 'openssl', what: 'no openssl on PATH (the TLS tests make their certificates with it)' });
  }
  return missing;
}

function installCommand(missing, options) {
  if (options.platform === 'darwin') return `brew install ${missing.map((item) => item.brew).join(' ')}`;
  if (findIn(pathDirs(), ['apt-get'])) return `sudo apt-get install -y ${missing.map((item) => item.apt).join(' ')}`;
  return undefined;
}

async function lockHash() {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(readFileSync(LOCKFILE)).digest('hex');
}

async function writeStamp() {
  const { size, mtimeMs } = statSync(LOCKFILE);
  writeFileSync(STAMP, `${JSON.stringify({ lockSha256: await lockHash(), lockSize: size, lockMtimeMs: mtimeMs })}\n`);
}

/** Why `npm ci` must run, or undefined when node_modules matches package-lock.json. */
async function npmInstallReason(options) {
  if (!existsSync(NODE_MODULES)) return 'node_modules is missing';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    stamp = undefined;
  }
  const lock = statSync(LOCKFILE);
  if (stamp?.lockSize === lock.size && stamp?.lockMtimeMs === lock.mtimeMs) return undefined;
  let current = stamp !== undefined && stamp.lockSha256 === (await lockHash());
  if (!current) {
    try {
      current = statSync(HIDDEN_LOCKFILE).mtimeMs >= lock.mtimeMs;
    } catch {
      // no hidden lockfile: npm never finished an install here
    }
  }
  if (current) {
    if (!options.dryRun) await writeStamp();
    return undefined;
  }
  return stamp ? 'package-lock.json changed since the last install' : 'node_modules was not installed from this package-lock.json';
}

async function run(command, args, extraEnv = {}) {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...extraEnv } });
  if (result.error) fail(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (${result.signal ?? `exit code ${result.status}`})`, result.status || 1);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));

  const major = requiredNodeMajor();
  if (Number(options.nodeVersion.replace(/^v/, '').split('.')[0]) < major) {
    fail(
      `Node.js ${major} or newer is required, found ${options.nodeVersion}. Install it from https://nodejs.org ` +
        `(or \`nvm install 22\`, \`brew install node\`), then run \`npm ${options.mode}\` again.`,
    );
  }

  const missing = missingSystemPackages(options.mode);
  const canApt = missing.length > 0 && options.uid === 0 && options.platform === 'linux' && findIn(pathDirs(), ['apt-get']) !== undefined;
  if (missing.length > 0 && !canApt) {
    const command = installCommand(missing, options);
    const lines = missing.map((item) => `  - ${item.what}`);
    const otherwise = missing.flatMap((item) => (item.otherwise ? [item.otherwise] : []));
    fail(
      `cannot ${options.mode === 'test' ? 'test' : 'start'} yet:\n${lines.join('\n')}\n` +
        (command
          ? `Install ${missing.length > 1 ? 'them' : 'it'} with:\n    ${command}\n`
          : `Install ${missing.map((item) => item.apt).join(' and ')} with your system's package manager (a server: MariaDB ≥ 10.6 or MySQL 8).\n`) +
        otherwise.map((line) => `${line}\n`).join('') +
        `Then run \`npm ${options.mode}\` again.`,
    );
  }

  if (!existsSync(LOCKFILE)) fail(`${LOCKFILE} is missing: the dependencies are installed from it (npm ci).`);
  const npmReason = await npmInstallReason(options);

  const packages = missing.map((item) => item.apt);
  const aptSteps = [
    ['apt-get', ['update', '-qq']],
    ['apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]],
  ];
  if (canApt) {
    say(`${missing.map((item) => item.what).join('; ')}: installing ${packages.join(' ')} (apt-get update && apt-get install -y ${packages.join(' ')})`);
  }
  if (npmReason) say(`${npmReason}: installing the npm dependencies (npm ci)`);
  if (options.dryRun) {
    const steps = [...(canApt ? aptSteps : []), ...(npmReason ? [['npm', ['ci', '--no-audit', '--no-fund']]] : [])];
    say(steps.length === 0 ? 'ready, nothing to do' : `would run: ${steps.map(([command, args]) => [command, ...args].join(' ')).join(' && ')}`);
    return;
  }

  if (canApt) {
    for (const [command, args] of aptSteps) await run(command, args, { DEBIAN_FRONTEND: 'noninteractive' });
    const still = missingSystemPackages(options.mode);
    if (still.length > 0) fail(`apt-get installed ${packages.join(' ')}, but there is still ${still.map((item) => item.what).join('; ')}`);
  }
  if (npmReason) {
    await run('npm', ['ci', '--no-audit', '--no-fund']);
    await writeStamp();
  }
}

await main();
