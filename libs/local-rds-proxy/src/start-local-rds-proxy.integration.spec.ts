import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { greetingOf, useProxyWorld, whenClosed } from './proxy.test-util';
import { startLocalRdsProxy } from './start-local-rds-proxy';

jest.setTimeout(60_000);

const world = useProxyWorld();


describe('startLocalRdsProxy', () => {
  it('relays statements for a client that logs in with the secret', async () => {
    const proxy = await world.proxy();
    const conn = await world.connect(proxy);

    const [rows] = await conn.query('SELECT 1 AS one, DATABASE() AS db');

    expect(rows).toEqual([{ one: 1, db: world.db.database }]);
    expect(proxy.metrics()).toMatchObject({ ClientConnections: 1, DatabaseConnections: 1, DatabaseConnectionsCurrentlyBorrowed: 0, QueryRequests: 1 });
  });

  it('shows the database server version to clients, as RDS Proxy does', async () => {
    const proxy = await world.proxy();
    const conn = await world.connect(proxy);

    const [rows] = await conn.query('SELECT VERSION() AS v');

    expect(rows).toEqual([{ v: world.db.version }]);
    expect(greetingOf(conn).serverVersion).toContain(world.db.version);
  });

  it('serves its metrics as JSON at metricsUrl', async () => {
    const proxy = await world.proxy();
    const conn = await world.connect(proxy);
    await conn.query('SELECT 1');

    const response = await fetch(String(proxy.metricsUrl));
    const body = (await response.json()) as Record<string, unknown>;
    const missing = await fetch(new URL('/other', String(proxy.metricsUrl)));

    expect(response.headers.get('content-type')).toBe('application/json');
    expect(body).toMatchObject({ ClientConnections: 1, DatabaseConnections: 1, QueryRequests: 1, ClientConnectionsSetupSucceeded: 1 });
    expect(Object.keys(body).sort()).toEqual(Object.keys(proxy.metrics()).sort());
    expect(missing.status).toBe(404);
    await missing.text();
  });

  it('writes the CA certificate clients trust to caFile, and removes it on close', async () => {
    const proxy = await world.proxy();

    expect(readFileSync(String(proxy.caFile), 'utf8')).toBe(proxy.caPem);
    await proxy.close();
    expect(existsSync(String(proxy.caFile))).toBe(false);
  });

  it('lets in users of secrets registered later', async () => {
    const proxy = await world.proxy();
    await world.db.query("CREATE USER 'second'@'%' IDENTIFIED BY 'second-password-1'");
    await world.db.query("GRANT SELECT ON *.* TO 'second'@'%'");
    await world.client.send(new CreateSecretCommand({ Name: 'rds/second', SecretString: JSON.stringify({ username: 'second', password: 'second-password-1' }) }));

    const before = await world.connect(proxy, { user: 'second', password: 'second-password-1' }).catch((e: { errno?: number }) => e);
    proxy.registerSecret({ secretId: 'rds/second', clientPasswordAuthType: 'MYSQL_NATIVE_PASSWORD' });
    const after = await world.connect(proxy, { user: 'second', password: 'second-password-1' });
    const [rows] = await after.query('SELECT CURRENT_USER() AS who');

    expect(before).toMatchObject({ errno: 1045 });
    expect(rows).toEqual([{ who: 'second@%' }]);
    expect(() => proxy.registerSecret({ secretId: '' })).toThrow(TypeError);
  });

  it('closes every connection on close, refuses new ones, and is idempotent', async () => {
    const proxy = await world.proxy({ connectionBorrowTimeoutMs: 60_000 });
    const conn = await world.connect(proxy);
    await conn.query('START TRANSACTION');
    const closed = whenClosed(conn);

    await proxy.close();
    await proxy.close();
    await closed;

    await expect(createConnection({ host: proxy.host, port: proxy.port, user: 'x', connectTimeout: 2_000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('leaves nothing running after close: a process that used it exits by itself', async () => {
    const setup = {
      target: { host: world.db.host, port: world.db.port },
      secretId: world.secretId,
      clientConfig: world.sm.clientConfig(),
      user: world.db.app.user,
      password: world.db.app.password,
    };
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, '__fixtures__/close-and-exit.ts')], {
      cwd: join(__dirname, '../../..'),
      env: { ...process.env, PROXY_SETUP: JSON.stringify(setup), TSX_TSCONFIG_PATH: 'tools/tsconfig.json', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 40_000);

    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(kill);

    expect({ code, signal, output: output.trim().split('\n').pop() }).toEqual({ code: 0, signal: null, output: '{"left":[]}' });
  });

  it('fails to start, saying why, when no secret can be read or the database cannot be reached', async () => {
    const common = { target: { host: world.db.host, port: world.db.port }, secretsManager: world.client, metricsPort: false as const, tls: false };

    await expect(startLocalRdsProxy({ ...common, secrets: ['rds/missing'] })).rejects.toThrow(/none of the secrets \(rds\/missing\) could be read/);
    await expect(startLocalRdsProxy({ ...common, target: { host: '127.0.0.1', port: 1 }, secrets: [world.secretId] })).rejects.toThrow(/cannot reach the database/);
  });
});
