import { loadMigrations } from '@serverless-app/db';
import { type LocalBackend, startLocalBackend } from '@serverless-app/testing';
import { loadConfig } from './config';
import { createMigrateHandler } from './migrate-handler';
import { captureLogs, MIGRATIONS_DIR } from './testing/api.test-util';

jest.setTimeout(60_000);

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startLocalBackend(); // not migrated: that is the handler's job
  Object.assign(process.env, backend.secrets.env());
});
afterAll(() => backend?.stop());

it('reads the secret and applies the migrations, then finds nothing to do', async () => {
  const logs = captureLogs();
  try {
    const migrateNow = createMigrateHandler({ config: loadConfig({ ...backend.env(), NODE_ENV: 'test' }), migrationsDir: MIGRATIONS_DIR });

    const first = await migrateNow();
    const second = await migrateNow();

    expect(first).toEqual({ applied: loadMigrations(MIGRATIONS_DIR).map((m) => m.name), pending: [] });
    expect(first.applied).toContain('0001_create_items');
    expect(second).toEqual({ applied: [], pending: [] });
    expect(await backend.db.query(`SHOW TABLES FROM ${backend.db.database} LIKE 'items'`)).toHaveLength(1);
    expect(logs.lines.join('\n')).not.toContain(backend.db.app.password);
  } finally {
    logs.restore();
  }
});

it('fails loudly when the secret is missing', async () => {
  const migrateNow = createMigrateHandler({
    config: loadConfig({ ...backend.env(), DB_SECRET_ID: 'no-such-secret', NODE_ENV: 'test' }),
    migrationsDir: MIGRATIONS_DIR,
  });

  const started = Date.now();
  await expect(migrateNow()).rejects.toMatchObject({ name: 'CredentialsUnavailableError', code: 'ResourceNotFoundException' });
  expect(Date.now() - started).toBeLessThan(10_000); // not waited out like a transient failure
});

it('waits for a database that is not up yet, then migrates', async () => {
  await backend.db.down();
  const logs = captureLogs();
  try {
    const migrateNow = createMigrateHandler({ config: loadConfig({ ...backend.env(), NODE_ENV: 'test' }), migrationsDir: MIGRATIONS_DIR, retryBudgetMs: 30_000 });

    const running = migrateNow();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await backend.db.up();

    await expect(running).resolves.toEqual({ applied: [], pending: [] });
    expect(logs.json().filter((l) => l['message'] === 'database not reachable yet; retrying the migrations').length).toBeGreaterThan(0);
  } finally {
    logs.restore();
    await backend.db.up();
  }
});

it('gives up on a database that stays down, within the retry budget', async () => {
  await backend.db.down();
  const logs = captureLogs();
  try {
    const migrateNow = createMigrateHandler({ config: loadConfig({ ...backend.env(), NODE_ENV: 'test' }), migrationsDir: MIGRATIONS_DIR, retryBudgetMs: 1_000 });

    await expect(migrateNow()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  } finally {
    logs.restore();
    await backend.db.up();
  }
});
