import { startMysql, type MysqlServer } from '@serverless-app/testing';
import type { Migration } from './load-migrations';
import { migrate, MigrationError, migrationStatus } from './migrate';

jest.setTimeout(60_000);

let server: MysqlServer;
let database: string;
let n = 0;

const MIGRATIONS: Migration[] = [
  { name: '0001_create_items', sql: 'CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL)' },
  { name: '0002_seed', sql: "INSERT INTO items (name) VALUES ('seeded');\nINSERT INTO items (name) VALUES ('second');" },
  { name: '0003_add_note', sql: 'ALTER TABLE items ADD COLUMN note TEXT NULL' },
];

const connection = () => ({ ...server.admin, database });

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
  expect(status.applied.map((a) => a.name)).toEqual(applied);
  expect(await server.query(`SELECT name, note FROM ${database}.items ORDER BY id`)).toEqual([
    { name: 'seeded', note: null },
    { name: 'second', note: null },
  ]);
});

it('does nothing the second time', async () => {
  await migrate({ connection: connection(), migrations: MIGRATIONS });

  const again = await migrate({ connection: connection(), migrations: MIGRATIONS });

  expect(again.applied).toEqual([]);
  expect(await server.query(`SELECT COUNT(*) AS n FROM ${database}.items`)).toEqual([{ n: 2 }]);
});

it('applies each migration exactly once when several runners start at once', async () => {
  const runs = await Promise.all(Array.from({ length: 4 }, () => migrate({ connection: connection(), migrations: MIGRATIONS })));

  expect(runs.flatMap((r) => r.applied).sort()).toEqual(['0001_create_items', '0002_seed', '0003_add_note']);
  expect(await server.query(`SELECT COUNT(*) AS n FROM ${database}.items`)).toEqual([{ n: 2 }]);
});

it('reports status: applied, pending, changed, unknown', async () => {
  await migrate({ connection: connection(), migrations: MIGRATIONS.slice(0, 2) });

  const status = await migrationStatus({
    connection: connection(),
    migrations: [MIGRATIONS[0] as Migration, { name: '0002_seed', sql: 'SELECT 1' }, MIGRATIONS[2] as Migration],
  });

  expect(status.applied.map((a) => a.name)).toEqual(['0001_create_items', '0002_seed']);
  expect(status.applied[0]?.appliedAt).toBeInstanceOf(Date);
  expect(status.pending).toEqual(['0003_add_note']);
  expect(status.changed).toEqual(['0002_seed']);
  expect(status.unknown).toEqual([]);
});

it('refuses to run when an applied migration was edited', async () => {
  await migrate({ connection: connection(), migrations: MIGRATIONS.slice(0, 1) });

  const edited = [{ ...MIGRATIONS[0], sql: 'CREATE TABLE items (id INT)' } as Migration, ...MIGRATIONS.slice(1)];

  await expect(migrate({ connection: connection(), migrations: edited })).rejects.toThrow(
    new MigrationError('applied migrations were changed afterwards: 0001_create_items; add a new migration instead'),
  );
  expect(await server.query(`SHOW TABLES FROM ${database} LIKE 'items'`)).toHaveLength(1);
});

it('stops at a failing migration, names it, and records only the ones before', async () => {
  const broken = [MIGRATIONS[0] as Migration, { name: '0002_broken', sql: 'ALTER TABLE nope ADD COLUMN x INT' }, MIGRATIONS[2] as Migration];

  const error = await migrate({ connection: connection(), migrations: broken }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(MigrationError);
  expect(error).toMatchObject({ migration: '0002_broken' });
  expect((error as Error).message).toMatch(/^migration 0002_broken failed \(ER_NO_SUCH_TABLE\)/);
  const status = await migrationStatus({ connection: connection(), migrations: broken });
  expect(status.applied.map((a) => a.name)).toEqual(['0001_create_items']);
  expect(status.pending).toEqual(['0002_broken', '0003_add_note']);
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

it('rejects a table name that is not an identifier', async () => {
  await expect(migrate({ connection: connection(), migrations: MIGRATIONS, table: 'x; DROP TABLE y' })).rejects.toThrow('is not a plain identifier');
});
