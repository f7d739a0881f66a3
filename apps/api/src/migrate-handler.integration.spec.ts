import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadMigrations } from '@serverless-app/db';
import { type LocalBackend, startLocalBackend } from '@serverless-app/testing';
import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { loadMigrateConfig } from './config';
import { createMigrateHandler } from './migrate-handler';
import { captureLogs, MIGRATIONS_DIR } from './testing/api.test-util';

jest.setTimeout(60_000);

const ADMIN_SECRET = 'serverless-app-rds-secret-admin';
const APP_SECRET = 'serverless-app-rds-app-secret';
/** A user of its own, so the harness's app user is left alone (and a shared MYSQL_URL server too). */
const APP_USER = `svc_${randomBytes(4).toString('hex')}`;
const newPassword = () => `p-${randomBytes(12).toString('base64url')}`;

let backend: LocalBackend;
let sm: SecretsManagerClient;
let appPassword = newPassword();
const passwords: string[] = [appPassword];

beforeAll(async () => {
  backend = await startLocalBackend(); // not migrated: that is the handler's job
  Object.assign(process.env, backend.secrets.env());
  sm = new SecretsManagerClient(backend.secrets.clientConfig());
  const { db } = backend;
  // The same shape as the RDS secrets the CDK app makes: { username, password, engine, host, port, dbname }.
  const rdsSecret = (username: string, password: string) => JSON.stringify({ username, password, engine: 'mysql', host: db.host, port: db.port, dbname: db.database });
  passwords.push(db.admin.password);
  await sm.send(new CreateSecretCommand({ Name: ADMIN_SECRET, SecretString: rdsSecret(db.admin.user, db.admin.password) }));
  await sm.send(new CreateSecretCommand({ Name: APP_SECRET, SecretString: rdsSecret(APP_USER, appPassword) }));
});
afterAll(async () => {
  sm?.destroy();
  await backend?.db.query("DROP USER IF EXISTS ?@'%'", [APP_USER]).catch(() => undefined);
  await backend?.stop();
});

const env = (extra: Record<string, string> = {}) => ({ ...backend.env(), DB_SECRET_ID: ADMIN_SECRET, DB_APP_SECRET_ID: APP_SECRET, NODE_ENV: 'test', ...extra });
const migrator = (extra: Record<string, string> = {}) => createMigrateHandler({ config: loadMigrateConfig(env(extra)), migrationsDir: MIGRATIONS_DIR });

const putAppPassword = async (password: string, stage?: 'AWSPENDING') => {
  passwords.push(password);
  const { db } = backend;
  await sm.send(
    new PutSecretValueCommand({
      SecretId: APP_SECRET,
      SecretString: JSON.stringify({ username: APP_USER, password, engine: 'mysql', host: db.host, port: db.port, dbname: db.database }),
      ...(stage ? { VersionStages: [stage] } : {}),
    }),
  );
};

/** Logs in as the app user and runs one statement. */
async function asApp(sql: string, password = appPassword): Promise<unknown> {
  const conn = await createConnection({ host: backend.db.host, port: backend.db.port, user: APP_USER, password, database: backend.db.database });
  try {
    const [rows] = await conn.query(sql);
    return rows;
  } finally {
    await conn.end();
  }
}

/** The app user's grants; MariaDB's USAGE line (which carries the password hash) is reduced to its start. */
async function appGrants(): Promise<string[]> {
  const rows = await backend.db.query<Record<string, string>[]>("SHOW GRANTS FOR ?@'%'", [APP_USER]);
  return rows.map((row) => String(Object.values(row)[0]).replace(/^(GRANT USAGE ON \*\.\* TO \S+).*$/, '$1')).sort();
}

const exactlyDml = () => [`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${backend.db.database}\`.* TO \`${APP_USER}\`@\`%\``, `GRANT USAGE ON *.* TO \`${APP_USER}\`@\`%\``].sort();

const expectNoPasswordIn = (text: string) => {
  for (const password of passwords) expect(text).not.toContain(password);
};

describe('the migration runner and the app user', () => {
  it('applies the migrations as the administrator and creates the app user with DML on the schema only, then finds nothing to do', async () => {
    const logs = captureLogs();
    try {
      const first = await migrator()();
      const second = await migrator()();

      expect(first).toEqual({ applied: loadMigrations(MIGRATIONS_DIR).map((m) => m.name), pending: [], appUser: { user: APP_USER, created: true, passwordSet: true, revoked: 0 } });
      expect(second).toEqual({ applied: [], pending: [], appUser: { user: APP_USER, created: false, passwordSet: true, revoked: 0 } });
      expect(await appGrants()).toEqual(exactlyDml());
      expect(await asApp(`INSERT INTO items (name, created_at, updated_at) VALUES ('made by the app user', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`)).toMatchObject({ affectedRows: 1 });
      expect(await asApp('SELECT COUNT(*) AS n FROM items')).toEqual([{ n: 1 }]);
      await expect(asApp('CREATE TABLE not_allowed (id INT)')).rejects.toMatchObject({ errno: 1142 });
      await expect(asApp('DROP TABLE items')).rejects.toMatchObject({ errno: 1142 });
      expectNoPasswordIn(logs.lines.join('\n'));
    } finally {
      logs.restore();
    }
  });

  it('revokes whatever else the app user was granted, anywhere, and keeps DML', async () => {
    const { db } = backend;
    await db.query(`GRANT ALL PRIVILEGES ON \`${db.database}\`.* TO ?@'%' WITH GRANT OPTION`, [APP_USER]);
    await db.query("GRANT PROCESS, CREATE USER ON *.* TO ?@'%'", [APP_USER]);
    await db.query(`GRANT SELECT, ALTER ON \`${db.database}\`.\`items\` TO ?@'%'`, [APP_USER]);
    await db.query(`GRANT UPDATE (\`name\`) ON \`${db.database}\`.\`items\` TO ?@'%'`, [APP_USER]);

    const rerun = await migrator()();

    expect(rerun.appUser.revoked).toBeGreaterThanOrEqual(4);
    expect(await appGrants()).toEqual(exactlyDml());
    expect(await asApp('SELECT COUNT(*) AS n FROM items')).toEqual([{ n: 1 }]);
  });

  it('sets the password from the app secret\'s current version when it changed', async () => {
    const old = appPassword;
    appPassword = newPassword();
    await putAppPassword(appPassword);
    const logs = captureLogs();
    try {
      const rerun = await migrator()();

      expect(rerun.appUser).toEqual({ user: APP_USER, created: false, passwordSet: true, revoked: 0 });
      expect(await asApp('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      await expect(asApp('SELECT 1', old)).rejects.toMatchObject({ errno: 1045 });
      expectNoPasswordIn(logs.lines.join('\n'));
    } finally {
      logs.restore();
    }
  });

  it('leaves the password as it is while the app secret is being rotated (a pending version differs)', async () => {
    await putAppPassword(newPassword(), 'AWSPENDING');
    const logs = captureLogs();
    try {
      const rerun = await migrator()();

      expect(rerun.appUser).toEqual({ user: APP_USER, created: false, passwordSet: false, revoked: 0 });
      expect(await asApp('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
      expect(logs.json().map((l) => l['message'])).toContain('the app secret is being rotated; its user\'s password is left as it is');
      expectNoPasswordIn(logs.lines.join('\n'));
    } finally {
      logs.restore();
    }
  });
});

describe('failures', () => {
  it.each([
    ['the administrator\'s secret', { DB_SECRET_ID: 'no-such-secret' }],
    ['the app secret', { DB_APP_SECRET_ID: 'no-such-app-secret' }],
  ])('fails loudly, at once, when %s is missing', async (_name, extra) => {
    const started = Date.now();
    await expect(migrator(extra)()).rejects.toMatchObject({ name: 'CredentialsUnavailableError', code: 'ResourceNotFoundException' });
    expect(Date.now() - started).toBeLessThan(10_000); // not waited out like a transient failure
  });

  it('fails without the password in the error when the app user cannot be set up', async () => {
    // An administrator without the right to grant: the sync stops at the GRANT, naming it.
    const weak = `weak_${randomBytes(3).toString('hex')}`;
    const weakPassword = newPassword();
    passwords.push(weakPassword);
    await backend.db.query("CREATE USER ?@'%' IDENTIFIED BY ?", [weak, weakPassword]);
    await backend.db.query(`GRANT ALL PRIVILEGES ON \`${backend.db.database}\`.* TO ?@'%'`, [weak]);
    await sm.send(new CreateSecretCommand({ Name: 'weak-admin', SecretString: JSON.stringify({ username: weak, password: weakPassword }) }));
    try {
      const failure = await migrator({ DB_SECRET_ID: 'weak-admin' })().catch((error: unknown) => error);

      expect(failure).toMatchObject({ name: 'MigrationError', message: expect.stringMatching(/^app user: (CREATE USER|ALTER USER|GRANT|REVOKE .*) failed \(ER_/) });
      expectNoPasswordIn(`${String(failure)} ${JSON.stringify(failure)} ${String((failure as Error).stack)}`);
      expect((failure as Error).cause).toBeUndefined();
    } finally {
      await backend.db.query("DROP USER IF EXISTS ?@'%'", [weak]);
    }
  });

  it('waits for a database that is not up yet, then migrates', async () => {
    await backend.db.down();
    const logs = captureLogs();
    try {
      const running = migrator({ MIGRATE_RETRY_BUDGET_MS: '30000' })();
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await backend.db.up();

      await expect(running).resolves.toMatchObject({ applied: [], pending: [] });
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
      await expect(migrator({ MIGRATE_RETRY_BUDGET_MS: '1000' })()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      logs.restore();
      await backend.db.up();
    }
  });
});
