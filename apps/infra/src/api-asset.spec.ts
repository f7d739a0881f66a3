import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_HANDLER, checkApiAsset, handlerFile, MIGRATE_HANDLER } from './api-asset';

describe('handlerFile', () => {
  it('maps a handler setting to the file the Node.js runtime loads', () => {
    expect(handlerFile(API_HANDLER)).toBe('main.js');
    expect(handlerFile(MIGRATE_HANDLER)).toBe('migrate.js');
    expect(() => handlerFile('handler')).toThrow('file.export');
  });
});

describe('checkApiAsset', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'infra-asset-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a build with both entry points and a migration', () => {
    writeFileSync(join(dir, 'main.js'), '');
    writeFileSync(join(dir, 'migrate.js'), '');
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '0001_x.sql'), '');

    expect(checkApiAsset(dir)).toBe(dir);
  });

  it('lists everything missing and says how to build it', () => {
    writeFileSync(join(dir, 'main.js'), '');

    expect(() => checkApiAsset(dir)).toThrow(`The api build output in ${dir} lacks migrate.js, migrations/*.sql; run \`npx nx run api:build\` first`);
  });
});
