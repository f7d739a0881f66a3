import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The set-up step run as `npm start`/`npm test` run it, in a throwaway copy of the repository layout: a fake
 * `npm`, `apt-get` and `openssl` on a PATH that holds nothing else, each writing its command line to a log
 * (fake `npm ci` writes node_modules/.package-lock.json, fake `apt-get install` puts a `mariadbd` where the
 * candidate list points). No real npm or apt-get runs.
 */
const SCRIPT = join(__dirname, 'ensure-ready.mjs');
const REPO_ROOT = resolve(__dirname, '../../..');

interface FakeRepo {
  root: string;
  /** The only folder on PATH. */
  bin: string;
  /** The candidate server folder of the fake server-locations.json. */
  sbin: string;
  calls(): string[];
  run(args: string[], options?: { env?: Record<string, string>; cwd?: string }): { status: number | null; stdout: string; stderr: string };
}

function executable(file: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

let repos: string[] = [];
afterEach(() => {
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
  repos = [];
});

function fakeRepo(setup: { server?: boolean; openssl?: boolean; aptGet?: boolean; npmExit?: number } = {}): FakeRepo {
  const { server = true, openssl = true, aptGet = true, npmExit = 0 } = setup;
  const root = mkdtempSync(join(tmpdir(), 'ensure-ready-spec-'));
  repos.push(root);
  const bin = join(root, 'bin');
  const sbin = join(root, 'sbin');
  const log = join(root, 'calls.log');
  for (const dir of [bin, sbin, join(root, 'tools/src/setup'), join(root, 'libs/testing/src/mysql')]) mkdirSync(dir, { recursive: true });
  copyFileSync(SCRIPT, join(root, 'tools/src/setup/ensure-ready.mjs'));
  writeFileSync(
    join(root, 'libs/testing/src/mysql/server-locations.json'),
    JSON.stringify({ binaries: ['mariadbd', 'mysqld'], directories: [join(root, 'nowhere'), sbin] }),
  );
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fake', engines: { node: '>=20' } }));
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3,"v":1}\n');

  const record = `echo "$(/bin/pwd) ${'$'}{DEBIAN_FRONTEND:-} ${'$'}{0##*/} $*" >> '${log}'`;
  executable(
    join(bin, 'npm'),
    `${record}\n[ "$1" = ci ] && /bin/mkdir -p node_modules && echo '{}' > node_modules/.package-lock.json\nexit ${npmExit}`,
  );
  if (aptGet) {
    executable(join(bin, 'apt-get'), `${record}\nif [ "$1" = install ]; then\n  printf '#!/bin/sh\\n' > '${sbin}/mariadbd'; /bin/chmod 755 '${sbin}/mariadbd'\n  printf '#!/bin/sh\\n' > '${bin}/openssl'; /bin/chmod 755 '${bin}/openssl'\nfi`);
  }
  if (openssl) executable(join(bin, 'openssl'), 'exit 0');
  if (server) executable(join(sbin, 'mariadbd'), 'exit 0');

  return {
    root,
    bin,
    sbin,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []).map((line) => line.replace(root, '<repo>')),
    run: (args, options = {}) => {
      const result = spawnSync(process.execPath, [join(root, 'tools/src/setup/ensure-ready.mjs'), ...args], {
        cwd: options.cwd ?? root,
        encoding: 'utf8',
        env: { PATH: bin, HOME: root, ...options.env },
        timeout: 30_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** An install as npm leaves it: node_modules with its hidden lockfile, stamped by a first run. */
function installed(repo: FakeRepo): void {
  expect(repo.run(['test', '--uid=1000']).status).toBe(0);
  expect(existsSync(join(repo.root, 'node_modules/.ensure-ready.json'))).toBe(true);
}

/** Sets a file's mtime `seconds` from now. */
function touch(file: string, seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  utimesSync(file, when, when);
}

describe('ensure-ready: npm dependencies', () => {
  it('runs npm ci once, in the repository root, when node_modules is missing, saying so in one line', () => {
    const repo = fakeRepo();

    const first = repo.run(['test', '--uid=1000']);

    expect(first.status).toBe(0);
    expect(first.stdout).toBe('setup: node_modules is missing: installing the npm dependencies (npm ci)\n');
    expect(repo.calls()).toEqual(['<repo>  npm ci --no-audit --no-fund']);

    const second = repo.run(['test', '--uid=1000']);

    expect(second).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(repo.calls()).toHaveLength(1);
  });

  it('works from any folder of the repository', () => {
    const repo = fakeRepo();

    expect(repo.run(['start', '--uid=1000'], { cwd: join(repo.root, 'tools/src') }).status).toBe(0);
    expect(repo.calls()).toEqual(['<repo>  npm ci --no-audit --no-fund']);
  });

  it('reinstalls when package-lock.json changed since the last install', () => {
    const repo = fakeRepo();
    installed(repo);
    writeFileSync(join(repo.root, 'package-lock.json'), '{"lockfileVersion":3,"v":2}\n');
    touch(join(repo.root, 'node_modules/.package-lock.json'), -60); // installed before the change

    const run = repo.run(['test', '--uid=1000']);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe('setup: package-lock.json changed since the last install: installing the npm dependencies (npm ci)\n');
    expect(repo.calls()).toHaveLength(2);
  });

  it('does not reinstall when package-lock.json was only touched (same content)', () => {
    const repo = fakeRepo();
    installed(repo);
    touch(join(repo.root, 'node_modules/.package-lock.json'), -60);
    touch(join(repo.root, 'package-lock.json'), 0);

    expect(repo.run(['test', '--uid=1000']).stdout).toBe('');
    expect(repo.calls()).toHaveLength(1);
  });

  it('takes an npm install made after the last package-lock.json change as current (no stamp yet, or npm install <pkg>)', () => {
    const repo = fakeRepo();
    mkdirSync(join(repo.root, 'node_modules'));
    writeFileSync(join(repo.root, 'node_modules/.package-lock.json'), '{}');
    touch(join(repo.root, 'package-lock.json'), -60);

    const run = repo.run(['test', '--uid=1000']);

    expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(repo.calls()).toEqual([]);
    expect(existsSync(join(repo.root, 'node_modules/.ensure-ready.json'))).toBe(true);
  });

  it('installs over a node_modules that npm never finished (no hidden lockfile, no stamp)', () => {
    const repo = fakeRepo();
    mkdirSync(join(repo.root, 'node_modules'));

    const run = repo.run(['test', '--uid=1000']);

    expect(run.stdout).toBe('setup: node_modules was not installed from this package-lock.json: installing the npm dependencies (npm ci)\n');
    expect(repo.calls()).toHaveLength(1);
  });

  it('fails with npm ci, and writes no stamp so the next run tries again', () => {
    const repo = fakeRepo({ npmExit: 3 });

    const run = repo.run(['test', '--uid=1000']);

    expect(run.status).toBe(3);
    expect(run.stderr).toBe('setup: npm ci --no-audit --no-fund failed (exit code 3)\n');
    expect(existsSync(join(repo.root, 'node_modules/.ensure-ready.json'))).toBe(false);
  });
});

describe('ensure-ready: system packages', () => {
  it('as root on a Debian-like system, installs mariadb-server with apt-get, non-interactively, announcing it', () => {
    const repo = fakeRepo({ server: false });
    mkdirSync(join(repo.root, 'node_modules'));
    writeFileSync(join(repo.root, 'node_modules/.package-lock.json'), '{}');
    touch(join(repo.root, 'package-lock.json'), -60);

    const run = repo.run(['start', '--uid=0', '--platform=linux']);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^setup: no MySQL-compatible server \(mariadbd or mysqld\) in .*, and MYSQL_URL is not set: installing mariadb-server \(apt-get update && apt-get install -y mariadb-server\)\n$/);
    expect(repo.calls()).toEqual([
      '<repo> noninteractive apt-get update -qq',
      '<repo> noninteractive apt-get install -y -qq --no-install-recommends mariadb-server',
    ]);
  });

  it('installs mariadb-server and openssl in one apt-get install for npm test, before npm ci', () => {
    const repo = fakeRepo({ server: false, openssl: false });

    const run = repo.run(['test', '--uid=0', '--platform=linux']);

    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^setup: no MySQL-compatible server .*; no openssl on PATH \(the TLS tests make their certificates with it\): installing mariadb-server openssl \(apt-get update && apt-get install -y mariadb-server openssl\)$/),
      'setup: node_modules is missing: installing the npm dependencies (npm ci)',
    ]);
    expect(repo.calls()).toEqual([
      '<repo> noninteractive apt-get update -qq',
      '<repo> noninteractive apt-get install -y -qq --no-install-recommends mariadb-server openssl',
      '<repo>  npm ci --no-audit --no-fund',
    ]);
  });

  it('does not ask for openssl for npm start', () => {
    const repo = fakeRepo({ openssl: false });

    expect(repo.run(['start', '--uid=0', '--platform=linux']).status).toBe(0);
    expect(repo.calls()).toEqual(['<repo>  npm ci --no-audit --no-fund']);
  });

  it('needs no server when MYSQL_URL is set', () => {
    const repo = fakeRepo({ server: false });

    expect(repo.run(['test', '--uid=0', '--platform=linux'], { env: { MYSQL_URL: 'mysql://root:pw@127.0.0.1:3306' } }).status).toBe(0);
    expect(repo.calls()).toEqual(['<repo>  npm ci --no-audit --no-fund']);
  });

  it('finds mysqld on PATH as well', () => {
    const repo = fakeRepo({ server: false });
    executable(join(repo.bin, 'mysqld'), 'exit 0');

    expect(repo.run(['test', '--uid=0', '--platform=linux']).status).toBe(0);
    expect(repo.calls()).toEqual(['<repo>  npm ci --no-audit --no-fund']);
  });

  it('as another user, stops before installing anything and gives the exact apt-get command', () => {
    const repo = fakeRepo({ server: false, openssl: false });

    const run = repo.run(['test', '--uid=1000', '--platform=linux']);

    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('setup: cannot test yet:\n  - no MySQL-compatible server (mariadbd or mysqld) in ');
    expect(run.stderr).toContain(`${repo.bin}, ${join(repo.root, 'nowhere')}, ${repo.sbin}, and MYSQL_URL is not set\n`);
    expect(run.stderr).toContain('Install them with:\n    sudo apt-get install -y mariadb-server openssl\n');
    expect(run.stderr).toContain('Or set MYSQL_URL to the admin URL of a server you own, e.g. MYSQL_URL=mysql://root:<password>@127.0.0.1:3306.\n');
    expect(run.stderr).toMatch(/Then run `npm test` again\.\n$/);
    expect(repo.calls()).toEqual([]);
  });

  it('on macOS, gives the brew command', () => {
    const repo = fakeRepo({ server: false, aptGet: false });

    const run = repo.run(['start', '--uid=501', '--platform=darwin']);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('setup: cannot start yet:\n');
    expect(run.stderr).toContain('Install it with:\n    brew install mariadb\n');
    expect(repo.calls()).toEqual([]);
  });

  it('as root without apt-get, says to use the system package manager', () => {
    const repo = fakeRepo({ server: false, aptGet: false });

    const run = repo.run(['start', '--uid=0', '--platform=linux']);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Install mariadb-server with your system's package manager (a server: MariaDB ≥ 10.6 or MySQL 8).\n");
  });

  it('stops when apt-get succeeded but there is still no server', () => {
    const repo = fakeRepo({ server: false });
    executable(join(repo.bin, 'apt-get'), 'exit 0');

    const run = repo.run(['start', '--uid=0', '--platform=linux']);

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^setup: apt-get installed mariadb-server, but there is still no MySQL-compatible server/);
    expect(repo.calls()).toEqual([]);
  });

  it('stops with apt-get failure', () => {
    const repo = fakeRepo({ server: false });
    executable(join(repo.bin, 'apt-get'), 'exit 100');

    const run = repo.run(['start', '--uid=0', '--platform=linux']);

    expect(run.status).toBe(100);
    expect(run.stderr).toBe('setup: apt-get update -qq failed (exit code 100)\n');
  });
});

describe('ensure-ready: Node, dry runs and arguments', () => {
  it('refuses a Node older than engines.node, before anything else', () => {
    const repo = fakeRepo({ server: false });

    const run = repo.run(['test', '--uid=0', '--platform=linux', '--node-version=18.19.0']);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'setup: Node.js 20 or newer is required, found 18.19.0. Install it from https://nodejs.org (or `nvm install 22`, `brew install node`), then run `npm test` again.\n',
    );
    expect(repo.calls()).toEqual([]);
  });

  it('--dry-run says what it would run and runs nothing', () => {
    const repo = fakeRepo({ server: false });

    const run = repo.run(['test', '--dry-run', '--uid=0', '--platform=linux']);

    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^setup: no MySQL-compatible server .*: installing mariadb-server \(apt-get update && apt-get install -y mariadb-server\)$/),
      'setup: node_modules is missing: installing the npm dependencies (npm ci)',
      'setup: would run: apt-get update -qq && apt-get install -y -qq --no-install-recommends mariadb-server && npm ci --no-audit --no-fund',
    ]);
    expect(repo.calls()).toEqual([]);
    expect(existsSync(join(repo.root, 'node_modules'))).toBe(false);
  });

  it.each([
    [[], /^setup: say what for: start or test\nusage: /],
    [['deploy'], /^setup: unexpected argument "deploy"\nusage: /],
    [['test', 'test'], /^setup: unexpected argument "test"\n/],
    [['test', '--uid=root'], /^setup: unexpected argument "--uid=root"\n/],
    [['test', '--verbose'], /^setup: unexpected argument "--verbose"\n/],
  ])('refuses the arguments %j with exit code 2', (args, message) => {
    const run = fakeRepo().run(args);

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses an engines.node it cannot read', () => {
    const repo = fakeRepo();
    writeFileSync(join(repo.root, 'package.json'), JSON.stringify({ engines: { node: '^20 || ^22' } }));

    const run = repo.run(['test']);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe('setup: package.json engines.node must read ">=<major>", got "^20 || ^22"\n');
  });

  it('reads this repository: its package.json, the harness candidate list, its node_modules (dry run)', () => {
    const run = spawnSync(process.execPath, [SCRIPT, 'test', '--dry-run'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });

    // Whether this checkout's node_modules matches its package-lock.json depends on the checkout (a copy with
    // linked node_modules, a lock edited since the last install); what must hold is that the real files are read.
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^setup: (ready, nothing to do|.+: installing the npm dependencies \(npm ci\)(\n.*)*)\n$/);
  });
});
