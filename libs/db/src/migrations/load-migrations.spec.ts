import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksum, loadMigrations, MigrationFileError, validateMigrations } from './load-migrations';

describe('loadMigrations', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads NNNN_name.sql files in number order and ignores other files', () => {
    writeFileSync(join(dir, '0010_add_index.sql'), 'CREATE INDEX i ON t (a);');
    writeFileSync(join(dir, '0002_create_t.sql'), 'CREATE TABLE t (a INT);');
    writeFileSync(join(dir, 'README.md'), '# notes');

    expect(loadMigrations(dir)).toEqual([
      { name: '0002_create_t', sql: 'CREATE TABLE t (a INT);' },
      { name: '0010_add_index', sql: 'CREATE INDEX i ON t (a);' },
    ]);
  });

  it.each([['create.sql'], ['1_short.sql'], ['0001 spaces.sql'], ['0001_UPPER.sql']])('rejects the file name %s', (file) => {
    writeFileSync(join(dir, file), 'SELECT 1;');

    expect(() => loadMigrations(dir)).toThrow(new MigrationFileError(`migration file "${file}" must be named like 0001_create_items.sql`));
  });

  it('rejects a missing folder, naming it', () => {
    expect(() => loadMigrations(join(dir, 'nope'))).toThrow(/cannot read the migrations folder .*nope/);
  });
});

describe('validateMigrations', () => {
  it('rejects duplicate numbers and empty SQL', () => {
    expect(() => validateMigrations([{ name: '0001_a', sql: 'x' }, { name: '01000_b', sql: 'y' }, { name: '1_c', sql: 'z' }])).toThrow(
      'must look like 0001_create_items',
    );
    expect(() => validateMigrations([{ name: '0001_a', sql: 'x' }, { name: '00001_b', sql: 'y' }])).toThrow('have the same number');
    expect(() => validateMigrations([{ name: '0001_a', sql: '  \n' }])).toThrow('migration "0001_a" is empty (no statements)');
    expect(() => validateMigrations([{ name: '0001_a', sql: '-- later\n/* maybe */' }])).toThrow('migration "0001_a" is empty (no statements)');
    expect(() => validateMigrations([{ name: '0001_a', sql: undefined as unknown as string }])).toThrow('migration "0001_a" has no SQL text');
  });

  it('rejects a statement the runner cannot apply one at a time, naming its number', () => {
    const sql = 'CREATE TABLE t (a INT);\nSTART TRANSACTION;\nINSERT INTO t VALUES (1);\nCOMMIT;';

    expect(() => validateMigrations([{ name: '0001_a', sql }])).toThrow(
      new MigrationFileError('migration "0001_a" statement 2: START TRANSACTION is not allowed: the runner commits each statement together with its progress record'),
    );
  });
});

describe('checksum', () => {
  it('is the SHA-256 of the SQL', () => {
    expect(checksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
