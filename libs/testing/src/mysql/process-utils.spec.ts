import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, readPidFile } from './process-utils';

describe('isAlive', () => {
  it('tells a live process from a gone one', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(2 ** 22 + 12_345)).toBe(false); // above Linux's pid_max default and macOS's 99998
  });
});

describe('readPidFile', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'process-utils-spec-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a pid, and nothing from a missing file or one without a pid', () => {
    writeFileSync(join(dir, 'ok.pid'), '4242\n');
    writeFileSync(join(dir, 'bad.pid'), 'pid 4242');

    expect(readPidFile(join(dir, 'ok.pid'))).toBe(4242);
    expect(readPidFile(join(dir, 'bad.pid'))).toBeUndefined();
    expect(readPidFile(join(dir, 'missing.pid'))).toBeUndefined();
  });
});
