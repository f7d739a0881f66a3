import { inspect } from 'node:util';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';
import { startMysql, type MysqlServer } from '../mysql';
import { setOwnPasswordStatement } from './database-account';
import { rotateSecret, RotationError, startSecretsManager, type RotationStep, type SecretsManagerEndpoint } from './index';

jest.setTimeout(120_000);

let db: MysqlServer;
let sm: SecretsManagerEndpoint;
let client: SecretsManagerClient;
let counter = 0;

beforeAll(async () => {
  [db, sm] = await Promise.all([startMysql(), startSecretsManager()]);
  client = new SecretsManagerClient({ ...sm.clientConfig(), maxAttempts: 1 });
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await Promise.all([sm?.close(), db?.stop()]);
});

interface DbSecret {
  username: string;
  password: string;
  engine: string;
  host: string;
  port: number;
  dbname: string;
  dbInstanceIdentifier: string;
}

/** A fresh database user (so tests do not share a password) and a secret holding its credentials. */
async function newUserSecret(): Promise<{ name: string; initial: DbSecret; versionId: string }> {
  const n = ++counter;
  const username = `rot_user_${n}_${process.pid}`;
  const password = `initial-${n}-Pw_${Date.now()}`;
  await db.query("CREATE USER ?@'%' IDENTIFIED BY ?", [username, password]);
  await db.query(`GRANT SELECT ON \`${db.database}\`.* TO ?@'%'`, [username]);
  const initial: DbSecret = {
    username,
    password,
    engine: 'mysql',
    host: db.app.host,
    port: db.app.port,
    dbname: db.database,
    dbInstanceIdentifier: 'local-test-db',
  };
  const name = `rds/rotation-${n}`;
  const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(initial) }));
  return { name, initial, versionId: created.VersionId ?? '' };
}

/** Connects and runs `SELECT 1`; resolves to 'ok' or the mysql errno. */
async function login(secret: Pick<DbSecret, 'host' | 'port' | 'username' | 'password' | 'dbname'>): Promise<'ok' | number> {
  try {
    const conn = await createConnection({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database: secret.dbname,
    });
    try {
      await conn.query('SELECT 1');
    } finally {
      await conn.end();
    }
    return 'ok';
  } catch (error) {
    return (error as { errno?: number }).errno ?? -1;
  }
}

async function stagesOf(name: string): Promise<Record<string, string[]>> {
  const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
  const result: Record<string, string[]> = {};
  for (const [id, labels] of Object.entries(described.VersionIdsToStages ?? {})) result[id] = [...labels].sort();
  return result;
}

async function current(name: string): Promise<DbSecret> {
  const value = await client.send(new GetSecretValueCommand({ SecretId: name }));
  return JSON.parse(value.SecretString ?? '') as DbSecret;
}

/** A beforeStep hook that makes the rotation fail just before `at`. */
const crashAt = (at: RotationStep, message: string) => (step: RotationStep) => {
  if (step === at) throw new Error(message);
};

async function rotationErrorOf(rotation: Promise<unknown>): Promise<RotationError> {
  try {
    await rotation;
  } catch (error) {
    if (error instanceof RotationError) return error;
    throw error;
  }
  throw new Error('expected the rotation to fail');
}

describe('rotateSecret against a real database', () => {
  it('changes the password, stages the new version AWSCURRENT and the old AWSPREVIOUS', async () => {
    const { name, initial, versionId } = await newUserSecret();
    expect(await login(initial)).toBe('ok');
    const pluginOf = async (): Promise<unknown> =>
      (await db.query<Array<{ plugin: string }>>("SELECT plugin FROM mysql.user WHERE user = ? AND host = '%'", [initial.username]))[0]?.plugin;
    const pluginBefore = await pluginOf();
    expect(pluginBefore).toEqual(expect.any(String));
    sm.resetCounts();

    const result = await rotateSecret({ endpoint: sm, secretId: name });

    expect(result.oldVersionId).toBe(versionId);
    expect(result.newVersionId).not.toBe(versionId);
    expect(result.arn).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:rds\/rotation-\d+-\w{6}$/);
    expect(await stagesOf(name)).toEqual({ [versionId]: ['AWSPREVIOUS'], [result.newVersionId]: ['AWSCURRENT'] });

    const rotated = await current(name);
    expect(rotated).toEqual({ ...initial, password: expect.any(String) });
    expect(rotated.password).not.toBe(initial.password);
    expect(rotated.password).toHaveLength(32);
    expect(rotated.password).not.toMatch(/[/@"'\\]/);

    expect(await login(initial)).toBe(1045);
    expect(await login(rotated)).toBe('ok');
    expect(await pluginOf()).toBe(pluginBefore);
    expect(sm.counts()).toMatchObject({ GetRandomPassword: 1, PutSecretValue: 1, UpdateSecretVersionStage: 2 });
  });

  it('rotates again: the first rotated version becomes AWSPREVIOUS and the original loses its labels', async () => {
    const { name, initial, versionId } = await newUserSecret();
    const first = await rotateSecret({ client, secretId: name, passwordLength: 20 });
    const afterFirst = await current(name);
    const second = await rotateSecret({ client, secretId: name, passwordLength: 20 });
    const afterSecond = await current(name);

    expect(second.oldVersionId).toBe(first.newVersionId);
    expect(await stagesOf(name)).toEqual({ [first.newVersionId]: ['AWSPREVIOUS'], [second.newVersionId]: ['AWSCURRENT'] });
    expect(afterSecond.password).toHaveLength(20);
    expect(await login(initial)).toBe(1045);
    expect(await login(afterFirst)).toBe(1045);
    expect(await login(afterSecond)).toBe('ok');
    const original = await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }));
    expect(original.VersionStages).toEqual([]);
  });

  it('runs the four steps in order and can pause between them while traffic goes on', async () => {
    const { name, initial } = await newUserSecret();
    const seen: RotationStep[] = [];
    const duringFinish: Array<'ok' | number> = [];
    await rotateSecret({
      endpoint: sm,
      secretId: name,
      beforeStep: async (step) => {
        seen.push(step);
        if (step === 'finishSecret') {
          // The database already has the new password, AWSCURRENT still names the old one:
          // a client using the cached (current) secret gets ER_ACCESS_DENIED_ERROR on a new connection.
          duringFinish.push(await login(await current(name)));
          const pending = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' }));
          duringFinish.push(await login(JSON.parse(pending.SecretString ?? '') as DbSecret));
        }
      },
    });
    expect(seen).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(duringFinish).toEqual([1045, 'ok']);
    expect(await login(initial)).toBe(1045);
    expect(await login(await current(name))).toBe('ok');
  });

  it('completes a rotation retried after it failed between createSecret and setSecret', async () => {
    const { name, initial, versionId } = await newUserSecret();
    const error = await rotationErrorOf(
      rotateSecret({
        endpoint: sm,
        secretId: name,
        beforeStep: crashAt('setSecret', 'simulated crash before setSecret'),
      }),
    );
    expect(error.step).toBe('setSecret');
    expect(error.cause).toBeInstanceOf(Error);
    const stages = await stagesOf(name);
    const pendingId = Object.keys(stages).find((id) => stages[id]?.includes('AWSPENDING'));
    expect(pendingId).toBeDefined();
    expect(stages).toEqual({ [versionId]: ['AWSCURRENT'], [pendingId ?? '']: ['AWSPENDING'] });
    expect(await login(initial)).toBe('ok');

    sm.resetCounts();
    const retried = await rotateSecret({ endpoint: sm, secretId: name });
    expect(retried.newVersionId).toBe(pendingId);
    expect(sm.count('GetRandomPassword')).toBe(0);
    expect(sm.count('PutSecretValue')).toBe(0);
    expect(await stagesOf(name)).toEqual({ [versionId]: ['AWSPREVIOUS'], [retried.newVersionId]: ['AWSCURRENT'] });
    expect(await login(initial)).toBe(1045);
    expect(await login(await current(name))).toBe('ok');
  });

  it('completes a rotation retried after the password changed but before AWSCURRENT moved', async () => {
    const { name, initial, versionId } = await newUserSecret();
    const error = await rotationErrorOf(
      rotateSecret({
        endpoint: sm,
        secretId: name,
        beforeStep: crashAt('testSecret', 'simulated crash after setSecret'),
      }),
    );
    expect(error.step).toBe('testSecret');
    // The database has the pending password already; the current secret no longer works.
    expect(await login(initial)).toBe(1045);

    const retried = await rotateSecret({ endpoint: sm, secretId: name });
    expect(retried.oldVersionId).toBe(versionId);
    expect(await login(await current(name))).toBe('ok');
    expect(await stagesOf(name)).toEqual({ [versionId]: ['AWSPREVIOUS'], [retried.newVersionId]: ['AWSCURRENT'] });
  });

  it('completes with an explicit token after finishSecret failed, even half-way through', async () => {
    const { name, versionId } = await newUserSecret();
    const token = 'aaaaaaaa-0000-4000-8000-000000000042';
    const error = await rotationErrorOf(
      rotateSecret({
        client, // maxAttempts: 1, so the SDK does not retry the injected 500 away
        secretId: name,
        token,
        beforeStep: (step) => {
          if (step === 'finishSecret') sm.failNext('UpdateSecretVersionStage', 'InternalServiceError');
        },
      }),
    );
    expect(error.step).toBe('finishSecret');
    expect((error.cause as Error).name).toBe('InternalServiceError');
    expect(await stagesOf(name)).toEqual({ [versionId]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });

    // As if a second attempt had moved AWSCURRENT and then died before dropping AWSPENDING.
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token,
        RemoveFromVersionId: versionId,
      }),
    );
    expect(await stagesOf(name)).toEqual({ [versionId]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });

    const retried = await rotateSecret({ endpoint: sm, secretId: name, token });
    expect(retried).toMatchObject({ oldVersionId: versionId, newVersionId: token });
    expect(await stagesOf(name)).toEqual({ [versionId]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    expect(await login(await current(name))).toBe('ok');

    // Running it once more with the finished token changes nothing.
    sm.resetCounts();
    const again = await rotateSecret({ endpoint: sm, secretId: name, token });
    expect(again).toMatchObject({ oldVersionId: versionId, newVersionId: token });
    expect(sm.count('UpdateSecretVersionStage')).toBe(0);
    expect(await stagesOf(name)).toEqual({ [versionId]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
  });

  it('fails at setSecret without leaking passwords when the current password is wrong', async () => {
    const { name, initial } = await newUserSecret();
    await db.query("ALTER USER ?@'%' IDENTIFIED BY ?", [initial.username, 'changed-behind-our-back-1']);
    const error = await rotationErrorOf(rotateSecret({ endpoint: sm, secretId: name }));
    expect(error.step).toBe('setSecret');
    expect(error.message).toMatch(/ER_ACCESS_DENIED_ERROR/);
    const pending = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' }));
    const pendingPassword = (JSON.parse(pending.SecretString ?? '') as DbSecret).password;
    const everything = inspect(error, { depth: 10 });
    expect(everything).not.toContain(initial.password);
    expect(everything).not.toContain(pendingPassword);
  });

  it('reports a secret that is not database JSON at createSecret, without quoting it', async () => {
    const name = `rds/not-json-${++counter}`;
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'hunter2-not-json' }));
    const error = await rotationErrorOf(rotateSecret({ endpoint: sm, secretId: name }));
    expect(error.step).toBe('createSecret');
    expect(inspect(error, { depth: 10 })).not.toContain('hunter2');
  });

  it('reports an unknown secret at start', async () => {
    const error = await rotationErrorOf(rotateSecret({ endpoint: sm, secretId: 'rds/missing' }));
    expect(error.step).toBe('start');
    expect((error.cause as Error).name).toBe('ResourceNotFoundException');
  });
});

describe('setOwnPasswordStatement', () => {
  it('uses PASSWORD() on MariaDB and MySQL 5.7, a plain string on MySQL 8+', () => {
    expect(setOwnPasswordStatement('10.11.19-MariaDB-0+deb12u1')).toBe('SET PASSWORD = PASSWORD(?)');
    expect(setOwnPasswordStatement('11.4.2-MariaDB')).toBe('SET PASSWORD = PASSWORD(?)');
    expect(setOwnPasswordStatement('5.7.44-log')).toBe('SET PASSWORD = PASSWORD(?)');
    expect(setOwnPasswordStatement('8.0.36')).toBe('SET PASSWORD = ?');
    expect(setOwnPasswordStatement('9.1.0')).toBe('SET PASSWORD = ?');
  });
});
