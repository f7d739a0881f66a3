import { startMysql, type MysqlServer } from '@serverless-app/testing';
import type { DbClientLogger } from '../logger';
import { checksum, type Migration } from './load-migrations';
import { migrate, type MigrationStep, migrationStatus } from './migrate';
import { MigrationError } from './migration-error';

jest.setTimeout(60_000);

let server: MysqlServer;
let database: string;
let n = 0;

const MIGRATIONS: Migration[] = [
  { name: '0001_create_items', sql: 'CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL)' },
  { name: '0002_seed', sql: "INSERT INTO items (name) VALUES ('seeded');\nINSERT INTO items (name) VALUES ('second');" },
  { name: '0003_add_note', sql: 'ALTER TABLE items ADD COLUMN note TEXT NULL' },
];

/** Three statements: DDL, DDL, DML. */
const NOTES: Migration = {
  name: '0002_notes',
  sql: [
    '-- a note per item, indexed by name',
    'ALTER TABLE items ADD COLUMN note TEXT NULL;',
    'CREATE INDEX ix_items_name ON items (name);',
    "INSERT INTO items (name, note) VALUES ('after-index', 'a; b');",
  ].join('\n'),
};

const connection = () => ({ ...server.admin, database });
const at = <T>(list: readonly T[], index: number): T => list[index] as T;

interface Logged {
  level: keyof DbClientLogger;
  message: string;
  attributes: Record<string, unknown>;
}
function recordingLogger(): DbClientLogger & { lines: Logged[] } {
  const lines: Logged[] = [];
  const log =
    (level: keyof DbClientLogger) =>
    (message: string, ...attributes: Array<Record<string, unknown>>) =>
      lines.push({ level, message, attributes: Object.assign({}, ...attributes) });
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Kills the runner's connection and waits until the server has closed it. */
async function killRunner(step: MigrationStep): Promise<void> {
  await server.query(`KILL ${Number(step.connectionId)}`);
  for (let i = 0; i < 500; i++) {
    const rows = await server.query<unknown[]>('SELECT id FROM information_schema.processlist WHERE id = ?', [step.connectionId]);
    if (rows.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the runner connection outlived KILL');
}

/** A hook that kills the runner's connection once, at one statement of one migration. */
const killAt = (migration: string, statement: number) => {
  let done = false;
  return async (step: MigrationStep) => {
    if (done || step.migration !== migration || step.statement !== statement) return;
    done = true;
    await killRunner(step);
  };
};

const items = () => server.query<Array<{ name: string }>>(`SELECT name FROM ${database}.items ORDER BY id`);
const columns = (table: string) =>
  server
    .query<Array<{ name: string }>>('SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION', [database, table])
    .then((rows) => rows.map((r) => r.name));

beforeAll(async () => {
  server = await startMysql();
});
afterAll(() => server?.stop());
beforeEach(async () => {
  database = `migrations_${++n}`;
  await server.query(`CREATE DATABASE ${database}`);
});

it('applies pending migrations in order and records them', async () => {
  const { applied, status } = await migrate({ connection: connection(), migrations: [...MIGRATIONS].reverse() });

  expect(applied).toEqual(['0001_create_items', '0002_seed', '0003_add_note']);
  expect(status.pending).toEqual([]);
  expect(status.unfinished).toEqual([]);
  expect(status.applied.map((a) => a.name)).toEqual(applied);
  expect(await server.query(`SELECT name, note FROM ${database}.items ORDER BY id`)).toEqual([
    { name: 'seeded', note: null },
    { name: 'second', note: null },
  ]);
});

it('sends one statement at a time, so a ; inside a string or comment does not split it', async () => {
  await migrate({ connection: connection(), migrations: [at(MIGRATIONS, 0), NOTES] });

  expect(await server.query(`SELECT name, note FROM ${database}.items`)).toEqual([{ name: 'after-index', note: 'a; b' }]);
});

it('does nothing the second time', async () => {
  await migrate({ connection: connection(), migrations: MIGRATIONS });

  const again = await migrate({ connection: connection(), migrations: MIGRATIONS });

  expect(again.applied).toEqual([]);
  expect(await server.query(`SELECT COUNT(*) AS n FROM ${database}.items`)).toEqual([{ n: 2 }]);
});

it('applies each migration exactly once when several runners start at once', async () => {
  const migrations = [at(MIGRATIONS, 0), NOTES];
  const runs = await Promise.all(Array.from({ length: 4 }, () => migrate({ connection: connection(), migrations })));

  expect(runs.flatMap((r) => r.applied).sort()).toEqual(['0001_create_items', '0002_notes']);
  expect(await items()).toEqual([{ name: 'after-index' }]);
});

it('reports status: applied, pending, unfinished, changed, unknown', async () => {
  await migrate({ connection: connection(), migrations: MIGRATIONS.slice(0, 2) });

  const status = await migrationStatus({
    connection: connection(),
    migrations: [at(MIGRATIONS, 0), { name: '0002_seed', sql: 'SELECT 1' }, at(MIGRATIONS, 2)],
  });

  expect(status.applied.map((a) => a.name)).toEqual(['0001_create_items', '0002_seed']);
  expect(status.applied[0]?.appliedAt).toBeInstanceOf(Date);
  expect(status.pending).toEqual(['0003_add_note']);
  expect(status.unfinished).toEqual([]);
  expect(status.changed).toEqual(['0002_seed']);
  expect(status.unknown).toEqual([]);
});

it('refuses to run when an applied migration was edited', async () => {
  await migrate({ connection: connection(), migrations: MIGRATIONS.slice(0, 1) });

  const edited = [{ ...at(MIGRATIONS, 0), sql: 'CREATE TABLE items (id INT)' }, ...MIGRATIONS.slice(1)];

  await expect(migrate({ connection: connection(), migrations: edited })).rejects.toThrow(
    new MigrationError('applied migrations were changed afterwards: 0001_create_items; add a new migration instead'),
  );
  expect(await server.query(`SHOW TABLES FROM ${database} LIKE 'items'`)).toHaveLength(1);
});

describe('a migration whose bookkeeping was lost', () => {
  it('is resumed when the connection died after a DDL statement ran and before it was recorded', async () => {
    const migrations = [at(MIGRATIONS, 0), NOTES, { name: '0003_add_price', sql: 'ALTER TABLE items ADD COLUMN price INT NULL' }];
    const first = await migrate({ connection: connection(), migrations, hooks: { afterStatement: killAt('0002_notes', 2) } }).catch((e: unknown) => e);

    expect(first).toBeInstanceOf(MigrationError);
    expect(first).toMatchObject({ migration: '0002_notes', statement: 2 });
    expect((first as Error).message).toMatch(/^migration 0002_notes: statement 2 of 3 ran but recording it failed \(/);
    expect(await migrationStatus({ connection: connection(), migrations })).toMatchObject({
      applied: [{ name: '0001_create_items' }],
      pending: ['0002_notes', '0003_add_price'],
      unfinished: [{ name: '0002_notes', state: 'running', statementsDone: 1, statementCount: 3 }],
    });
    expect(await server.query(`SHOW INDEX FROM ${database}.items WHERE Key_name = 'ix_items_name'`)).toHaveLength(1);

    const logger = recordingLogger();
    const second = await migrate({ connection: connection(), migrations, logger });

    expect(second.applied).toEqual(['0002_notes', '0003_add_price']);
    expect(second.status.unfinished).toEqual([]);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'statement already applied by an interrupted run; recorded as done',
        attributes: { migration: '0002_notes', statement: 2, code: 'ER_DUP_KEYNAME', errno: 1061, sqlState: '42000' },
      },
    ]);
    expect(await items()).toEqual([{ name: 'after-index' }]);
    expect(await columns('items')).toEqual(['id', 'name', 'note', 'price']);
  });

  it('is resumed when the process died between a DDL statement and its record (left behind by hand)', async () => {
    await migrate({ connection: connection(), migrations: MIGRATIONS.slice(0, 1) });
    // What a killed runner leaves: the migration recorded as started, its first statement run, nothing recorded after.
    await server.query(`ALTER TABLE ${database}.items ADD COLUMN note TEXT NULL`);
    await server.query(
      `INSERT INTO ${database}.schema_migrations (name, checksum, state, statements_done, progress_checksum, started_at, applied_at, duration_ms)
       VALUES (?, ?, 'running', 0, SHA2('[]', 256), NOW(3), NULL, 0)`,
      [NOTES.name, checksum(NOTES.sql)],
    );

    const { applied } = await migrate({ connection: connection(), migrations: [at(MIGRATIONS, 0), NOTES] });

    expect(applied).toEqual(['0002_notes']);
    expect(await items()).toEqual([{ name: 'after-index' }]);
  });

  it('commits a data statement together with its progress, so it is applied exactly once', async () => {
    const migrations = [at(MIGRATIONS, 0), NOTES];
    const first = await migrate({ connection: connection(), migrations, hooks: { afterStatement: killAt('0002_notes', 3) } }).catch((e: unknown) => e);

    expect(first).toMatchObject({ migration: '0002_notes', statement: 3 });
    expect(await items()).toEqual([]);

    const logger = recordingLogger();
    await migrate({ connection: connection(), migrations, logger });

    expect(await items()).toEqual([{ name: 'after-index' }]);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    expect(logger.lines.find((l) => l.message === 'resuming migration')?.attributes).toEqual({
      migration: '0002_notes',
      statement: 3,
      statements: 3,
      previousRun: 'interrupted',
      replayed: 0,
    });
  });

  it('replays the SET statements before the resume point on the new connection', async () => {
    const withVariable: Migration = { name: '0002_from_variable', sql: "SET @seed = 'from-variable';\nINSERT INTO items (name) VALUES (@seed)" };
    const migrations = [at(MIGRATIONS, 0), withVariable];
    await expect(migrate({ connection: connection(), migrations, hooks: { beforeStatement: killAt(withVariable.name, 2) } })).rejects.toMatchObject({
      statement: 2,
    });

    await migrate({ connection: connection(), migrations });

    expect(await items()).toEqual([{ name: 'from-variable' }]);
  });
});

describe('a failing statement', () => {
  const broken: Migration = {
    name: '0002_broken',
    sql: "ALTER TABLE items ADD COLUMN note TEXT NULL;\nUPDATE nope SET x = 'secret-value';\nCREATE INDEX ix_items_name ON items (name)",
  };

  it('stops the run naming the migration and the statement, never the SQL, and records the statements before', async () => {
    const migrations = [at(MIGRATIONS, 0), broken, at(MIGRATIONS, 2)];

    const error = await migrate({ connection: connection(), migrations }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toBe('migration 0002_broken failed at statement 2 of 3 (ER_NO_SUCH_TABLE 1146)');
    expect(error).toMatchObject({ migration: '0002_broken', statement: 2, code: 'ER_NO_SUCH_TABLE', errno: 1146 });
    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toMatch(/secret-value|nope/);
    const status = await migrationStatus({ connection: connection(), migrations });
    expect(status.applied.map((a) => a.name)).toEqual(['0001_create_items']);
    expect(status.pending).toEqual(['0002_broken', '0003_add_note']);
    expect(status.unfinished).toEqual([{ name: '0002_broken', state: 'failed', statementsDone: 1, statementCount: 3, startedAt: expect.any(Date) }]);
  });

  it('fails again at the same statement until it is fixed, then resumes there without re-running the ones before', async () => {
    const migrations = [at(MIGRATIONS, 0), broken];
    await migrate({ connection: connection(), migrations }).catch(() => undefined);

    await expect(migrate({ connection: connection(), migrations })).rejects.toMatchObject({ statement: 2, errno: 1146 });

    const fixed = { ...broken, sql: broken.sql.replace('UPDATE nope SET x', 'UPDATE items SET note') };
    const { applied } = await migrate({ connection: connection(), migrations: [at(MIGRATIONS, 0), fixed] });
    expect(applied).toEqual(['0002_broken']);
    expect(await columns('items')).toEqual(['id', 'name', 'note']);
  });

  it('gets no "already exists" leniency when the earlier run is known to have failed on it', async () => {
    await server.query(`CREATE TABLE ${database}.items (id INT)`);

    const first = await migrate({ connection: connection(), migrations: MIGRATIONS }).catch((e: unknown) => e);
    const second = await migrate({ connection: connection(), migrations: MIGRATIONS }).catch((e: unknown) => e);

    for (const error of [first, second]) {
      expect(error).toMatchObject({ migration: '0001_create_items', statement: 1, errno: 1050 });
    }
  });

  it('refuses to resume when a statement that already ran was edited', async () => {
    await migrate({ connection: connection(), migrations: [at(MIGRATIONS, 0), broken] }).catch(() => undefined);
    const edited = { ...broken, sql: broken.sql.replace('note TEXT', 'note VARCHAR(10)') };

    await expect(migrate({ connection: connection(), migrations: [at(MIGRATIONS, 0), edited] })).rejects.toThrow(
      /^partly applied migrations were changed in statements that already ran: 0002_broken;/,
    );
    expect((await migrationStatus({ connection: connection(), migrations: [at(MIGRATIONS, 0), edited] })).changed).toEqual(['0002_broken']);
  });
});

describe('a migrations table made by the earlier runner', () => {
  const oldTable = async () => {
    await server.query(
      `CREATE TABLE ${database}.schema_migrations (
         name VARCHAR(255) NOT NULL PRIMARY KEY,
         checksum CHAR(64) NOT NULL,
         applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
         duration_ms INT NOT NULL
       )`,
    );
    await server.query(`CREATE TABLE ${database}.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL)`);
    await server.query(`INSERT INTO ${database}.schema_migrations (name, checksum, applied_at, duration_ms) VALUES (?, ?, '2025-01-02 03:04:05.678', 12)`, [
      '0001_create_items',
      checksum(at(MIGRATIONS, 0).sql),
    ]);
  };

  it('is read as it is by migrationStatus', async () => {
    await oldTable();

    const status = await migrationStatus({ connection: connection(), migrations: MIGRATIONS });

    expect(status).toMatchObject({ applied: [{ name: '0001_create_items' }], pending: ['0002_seed', '0003_add_note'], unfinished: [], changed: [] });
    expect(await columns('schema_migrations')).toEqual(['name', 'checksum', 'applied_at', 'duration_ms']);
  });

  it('is upgraded in place by migrate, once, keeping its history', async () => {
    await oldTable();
    const logger = recordingLogger();

    const { applied, status } = await migrate({ connection: connection(), migrations: MIGRATIONS, logger });
    await migrate({ connection: connection(), migrations: MIGRATIONS, logger });

    expect(applied).toEqual(['0002_seed', '0003_add_note']);
    expect(status.applied[0]).toEqual({ name: '0001_create_items', checksum: checksum(at(MIGRATIONS, 0).sql), appliedAt: new Date(2025, 0, 2, 3, 4, 5, 678) });
    expect(await columns('schema_migrations')).toEqual(['name', 'checksum', 'applied_at', 'duration_ms', 'state', 'statements_done', 'progress_checksum', 'started_at']);
    expect(logger.lines.filter((l) => l.message === 'migrations table upgraded')).toEqual([
      {
        level: 'info',
        message: 'migrations table upgraded',
        attributes: { table: 'schema_migrations', columns: ['state', 'statements_done', 'progress_checksum', 'started_at', 'applied_at'] },
      },
    ]);
    expect(await server.query(`SELECT name, state FROM ${database}.schema_migrations ORDER BY name`)).toEqual([
      { name: '0001_create_items', state: 'applied' },
      { name: '0002_seed', state: 'applied' },
      { name: '0003_add_note', state: 'applied' },
    ]);
  });
});

it('waits for another runner that holds the lock, and gives up after the timeout', async () => {
  const holder = await import('mysql2/promise').then((m) => m.createConnection(server.admin));
  try {
    await holder.query('SELECT GET_LOCK(?, 0)', [`${database}.\`schema_migrations\``]);

    await expect(migrate({ connection: connection(), migrations: MIGRATIONS, lockTimeoutSeconds: 1 })).rejects.toThrow(
      'another migration run held the lock for more than 1 s',
    );
  } finally {
    await holder.end();
  }
  expect((await migrate({ connection: connection(), migrations: MIGRATIONS })).applied).toHaveLength(3);
});

it.each<[string, Partial<Parameters<typeof migrate>[0]>, string]>([
  ['a table name that is not an identifier', { table: 'x; DROP TABLE y' }, 'migrations table name "x; DROP TABLE y" is not a plain identifier'],
  ['a negative lock timeout', { lockTimeoutSeconds: -1 }, 'lockTimeoutSeconds must be a whole number of seconds, got -1'],
  ['a hook that is not a function', { hooks: { afterStatement: 'kill' as never } }, 'hooks.afterStatement must be a function'],
])('rejects %s', async (_, options, message) => {
  await expect(migrate({ connection: connection(), migrations: MIGRATIONS, ...options })).rejects.toThrow(new MigrationError(message));
});
