import { MysqlServerNotFoundError } from '@serverless-app/testing';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './fake-bundle.test-util';
import { checkDatabase, checkNode, checkPort, checkStackFile } from './prerequisites';
import { writeStackFile, type StackInfo } from './stack-file';

describe('checkNode', () => {
  it.each(['20.0.0', '20.20.2', 'v22.11.0', '24.1.0'])('accepts Node %s', (version) => {
    expect(checkNode(version)).toBeUndefined();
  });

  it.each(['18.19.0', 'v16.20.2', 'garbage'])('refuses Node %s, saying what to install', (version) => {
    const message = checkNode(version);

    expect(message).toContain(`Node.js 20 or newer is required, found ${version}`);
    expect(message).toContain('https://nodejs.org');
  });
});

describe('checkDatabase', () => {
  const temp = tempDir('local-stack-db-prereq-');
  afterAll(() => temp.cleanup());

  function folderWith(name: string, binary?: string, mode = 0o755): string {
    const dir = join(temp.path, name);
    mkdirSync(dir, { recursive: true });
    if (binary) {
      writeFileSync(join(dir, binary), '#!/bin/sh\n');
      chmodSync(join(dir, binary), mode);
    }
    return dir;
  }

  it('names both ways to install MariaDB, and MYSQL_URL, when no server binary is found', () => {
    const dirs = [folderWith('empty-a'), folderWith('not-executable', 'mariadbd', 0o644)];

    const message = checkDatabase({ PATH: dirs.join(':') }, dirs);

    expect(message).toBe(new MysqlServerNotFoundError(dirs).message);
    expect(message).toContain('sudo apt-get install -y mariadb-server');
    expect(message).toContain('brew install mariadb');
    expect(message).toContain('MYSQL_URL');
    expect(message).toContain(dirs.join(', '));
  });

  it.each(['mariadbd', 'mysqld'])('accepts %s in one of the folders', (binary) => {
    const dirs = [folderWith(`none-${binary}`), folderWith(`with-${binary}`, binary)];

    expect(checkDatabase({}, dirs)).toBeUndefined();
  });

  it('accepts a mysql:// MYSQL_URL without looking for a binary', () => {
    expect(checkDatabase({ MYSQL_URL: 'mysql://root:pw@127.0.0.1:3306' }, [])).toBeUndefined();
  });

  it.each([
    ['not a URL', /MYSQL_URL is not a URL/],
    ['postgres://u@h/db', /MYSQL_URL must start with mysql:\/\//],
  ])('refuses MYSQL_URL=%s', (url, expected) => {
    expect(checkDatabase({ MYSQL_URL: url }, [])).toMatch(expected);
  });
});

describe('checkPort', () => {
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('refuses a port in use, suggesting another', async () => {
    const message = await checkPort('127.0.0.1', busyPort);

    expect(message).toContain(`Port ${busyPort} on 127.0.0.1 is in use`);
    expect(message).toContain(`PORT=${busyPort + 1} npm start`);
  });

  it('accepts a free port, and port 0', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as { port: number }).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));

    expect(await checkPort('127.0.0.1', port)).toBeUndefined();
    expect(await checkPort('127.0.0.1', 0)).toBeUndefined();
  });
});

describe('checkStackFile', () => {
  const temp = tempDir('local-stack-prereq-');
  afterAll(() => temp.cleanup());

  const info = (pid: number): StackInfo => ({ apiUrl: 'http://127.0.0.1:3000/dev', pid } as StackInfo);

  it('refuses a stack file owned by another running stack', () => {
    const file = join(temp.path, 'running.json');
    writeStackFile(file, info(process.ppid));

    expect(checkStackFile(file, process.pid)).toMatch(new RegExp(`Another local stack \\(pid ${process.ppid}, http://127.0.0.1:3000/dev\\)`));
  });

  it('accepts a missing file, its own, or one left by a process that is gone', () => {
    const stale = join(temp.path, 'stale.json');
    writeStackFile(stale, info(2 ** 22 + 12_345)); // above Linux's pid_max default and macOS's 99998

    expect(checkStackFile(join(temp.path, 'missing.json'), process.pid)).toBeUndefined();
    expect(checkStackFile(stale, process.pid)).toBeUndefined();
    writeStackFile(stale, info(process.pid));
    expect(checkStackFile(stale, process.pid)).toBeUndefined();
  });
});
