import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { defaultSearchPath, findServer, locateServer, MysqlServerNotFoundError, SERVER_LOCATIONS } from './find-server';
import { startMysql } from './start-mysql';

describe('finding a server binary', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'find-server-spec-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function fakeBinary(dir: string, name: string, versionLine: string): string {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho '${versionLine}'\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('without a binary or URL, says how to install one or set MYSQL_URL', async () => {
    const error = (await startMysql({ url: '', searchPath: [root] }).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(MysqlServerNotFoundError);
    expect(error.message).toContain('apt-get install -y mariadb-server');
    expect(error.message).toContain('brew install mariadb');
    expect(error.message).toContain('MYSQL_URL');
    expect(error.message).toContain(root);
  });

  it('reads PATH when called, and adds the sbin and Homebrew folders of server-locations.json', () => {
    const saved = process.env['PATH'];
    try {
      process.env['PATH'] = [join(root, 'a'), join(root, 'b')].join(delimiter);
      expect(defaultSearchPath()).toEqual([join(root, 'a'), join(root, 'b'), ...SERVER_LOCATIONS.directories]);
    } finally {
      process.env['PATH'] = saved;
    }
    expect(SERVER_LOCATIONS.directories.slice(0, 3)).toEqual(['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin']);
    expect(SERVER_LOCATIONS.directories).toContain('/opt/homebrew/opt/mariadb/bin');
  });

  it('takes PATH from the environment it is given, without repeating a folder', () => {
    expect(defaultSearchPath({ PATH: ['/x/bin', '/usr/sbin'].join(delimiter) })).toEqual(['/x/bin', ...SERVER_LOCATIONS.directories]);
    expect(defaultSearchPath({})).toEqual(SERVER_LOCATIONS.directories);
  });

  it('locates mariadbd in any folder before mysqld, without running either', () => {
    const mysqld = fakeBinary(join(root, 'first'), 'mysqld', 'unused');
    expect(locateServer([join(root, 'first'), join(root, 'second')])).toBe(mysqld);
    const mariadbd = fakeBinary(join(root, 'second'), 'mariadbd', 'unused');
    expect(locateServer([join(root, 'first'), join(root, 'second')])).toBe(mariadbd);
    expect(locateServer([join(root, 'none')])).toBeUndefined();
  });

  it('prefers mariadbd over mysqld and finds its install tool', () => {
    const mysqld = fakeBinary(join(root, 'first'), 'mysqld', 'mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)');
    const mariadbd = fakeBinary(join(root, 'second'), 'mariadbd', 'mariadbd  Ver 10.11.19-MariaDB for debian-linux-gnu');
    const installDb = fakeBinary(join(root, 'second'), 'mariadb-install-db', 'unused');
    expect(findServer([join(root, 'first'), join(root, 'second')])).toEqual({
      path: mariadbd,
      flavor: 'mariadb',
      versionText: 'mariadbd  Ver 10.11.19-MariaDB for debian-linux-gnu',
      installDb,
    });
    expect(findServer([join(root, 'first')])).toMatchObject({ path: mysqld, flavor: 'mysql', installDb: undefined });
  });

  it('explains a MariaDB server without its install tool', () => {
    fakeBinary(join(root, 'sbin'), 'mariadbd', 'mariadbd  Ver 10.11.19-MariaDB');
    expect(() => findServer([join(root, 'sbin')])).toThrow(/mariadb-install-db/);
  });

  it('ignores files that are not executable', () => {
    writeFileSync(join(root, 'mysqld'), 'not a program');
    expect(() => findServer([root])).toThrow(MysqlServerNotFoundError);
  });
});
