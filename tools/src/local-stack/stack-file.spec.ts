import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sampleStackInfo } from './stack-info.test-util';
import { tempDir } from './fake-bundle.test-util';
import { readStackFile, removeStackFile, type StackInfo, stackFilePath, writeStackFile } from './stack-file';

const temp = tempDir('local-stack-file-');
afterAll(() => temp.cleanup());

const info = (pid = process.pid): StackInfo => sampleStackInfo({ pid });

describe('stackFilePath', () => {
  it('is .local/stack.json in the workspace unless LOCAL_STACK_FILE says otherwise', () => {
    expect(stackFilePath('/repo', {})).toBe('/repo/.local/stack.json');
    expect(stackFilePath('/repo', { LOCAL_STACK_FILE: '  ' })).toBe('/repo/.local/stack.json');
    expect(stackFilePath('/repo', { LOCAL_STACK_FILE: '/tmp/s.json' })).toBe('/tmp/s.json');
  });
});

describe('writeStackFile', () => {
  it('writes the documented keys as JSON, creating the folder, readable by its owner only', () => {
    const file = join(temp.path, 'nested', 'stack.json');

    writeStackFile(file, info());

    const read = readStackFile(file);
    expect(read).toEqual(info());
    expect(Object.keys(read ?? {})).toEqual(expect.arrayContaining(['apiUrl', 'secretsManagerEndpoint', 'region', 'secretId', 'dbAdminUrl', 'credentials']));
    expect(read?.credentials).toEqual({ accessKeyId: 'AKIALOCALEXAMPLE0001', secretAccessKey: 'local-secret' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(temp.path, 'nested'))).toEqual(['stack.json']); // no temp file left over
  });

  it('replaces an existing file', () => {
    const file = join(temp.path, 'replaced.json');
    writeStackFile(file, info(1));
    writeStackFile(file, info(2));

    expect(readStackFile(file)?.pid).toBe(2);
  });
});

describe('readStackFile', () => {
  it('is undefined for a missing file or one that is not a stack file', () => {
    expect(readStackFile(join(temp.path, 'nope.json'))).toBeUndefined();
    expect(readStackFile(__filename)).toBeUndefined();
  });
});

describe('removeStackFile', () => {
  it('removes the file only for the process that wrote it', () => {
    const file = join(temp.path, 'owned.json');
    writeStackFile(file, info(process.pid));

    removeStackFile(file, process.pid + 1);
    expect(existsSync(file)).toBe(true);
    removeStackFile(file, process.pid);
    expect(existsSync(file)).toBe(false);
    expect(() => removeStackFile(file, process.pid)).not.toThrow();
  });
});
