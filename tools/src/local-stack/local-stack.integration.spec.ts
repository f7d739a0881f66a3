import { isAlive, signedFetch, type SigV4SigningOptions } from '@serverless-app/testing';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { eventually } from './fake-bundle.test-util';
import type { StackInfo } from './stack-file';
import { functionEnvironments, listening, processCommandLines, type StackProcess, startStackProcess, workspaceRoot } from './stack-process.test-util';

/**
 * The real thing, as `npm start` runs it: a child process with the stack, a real database, a local RDS
 * Proxy, the real api bundle in Lambda environments, real HTTP. One stack per file (the machine has two cores).
 */
jest.setTimeout(60_000);

let stack: StackProcess;
let child: StackProcess['child'];
let info: StackInfo;
let exit: StackProcess['exit'];
/** Signs as the README's curl does: the stack's generated key pair, its region, execute-api. */
const signing = (): SigV4SigningOptions => ({ credentials: info.credentials, region: info.region });

/** The local RDS Proxy's metrics, from its HTTP endpoint. */
async function proxyMetrics(): Promise<Record<string, number>> {
  const response = await fetch(info.proxyMetricsUrl as string);
  return (await response.json()) as Record<string, number>;
}

async function dbNow(): Promise<string> {
  const connection = await createConnection(info.dbAdminUrl);
  try {
    const [rows] = await connection.query("SELECT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%s') AS now");
    return (rows as Array<{ now: string }>)[0]?.now ?? '';
  } finally {
    await connection.end();
  }
}

beforeAll(async () => {
  stack = await startStackProcess();
  ({ child, info, exit } = stack);
}, 180_000);

afterAll(() => stack?.cleanup(), 30_000);

describe('npm start (the local stack, end to end)', () => {
  it('writes the stack file with where everything is', () => {
    expect(info).toMatchObject({
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/dev$/),
      secretsManagerEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      region: expect.any(String),
      secretId: 'serverless-app-rds-secret',
      dbAdminUrl: expect.stringMatching(/^mysql:\/\/admin:[^@]+@127\.0\.0\.1:\d+\/\w+$/),
      dbAppUser: expect.any(String),
      pid: child.pid,
      credentials: { accessKeyId: expect.stringMatching(/^AKIALOCAL[A-Z2-7]{11}$/), secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/) },
      proxyHost: 'localhost',
      proxyPort: expect.any(Number),
      proxyCaFile: join(workspaceRoot, '.local', 'rds-proxy', String(child.pid), 'ca.pem'),
      proxyMetricsUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/),
    });
    expect(readFileSync(info.proxyCaFile as string, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(info.routes).toContainEqual({ method: 'POST', path: '/items', auth: 'iam' });
    if (!process.env['MYSQL_URL']) {
      expect(info.dbMode).toBe('local');
      expect(isAlive(info.dbServerPid as number)).toBe(true);
      expect(existsSync(info.dbDir as string)).toBe(true);
    }
  });

  it('prints the API URL, the Secrets Manager endpoint, the secret id, the database admin URL, the RDS Proxy and a signed curl', () => {
    for (const value of [`${info.apiUrl}/`, info.secretsManagerEndpoint, info.secretId, info.dbAdminUrl, `localhost:${info.proxyPort}, where the api connects: TLS required`, `curl ${info.proxyMetricsUrl}`]) {
      expect(stack.output()).toContain(value);
    }
    expect(stack.output()).toContain(`curl --aws-sigv4 "aws:amz:${info.region}:execute-api" --user "${info.credentials.accessKeyId}:${info.credentials.secretAccessKey}" -X POST ${info.apiUrl}/items`);
  });

  it('refuses an unsigned write with API Gateway\'s 403, without invoking the function', async () => {
    const response = await fetch(`${info.apiUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"unsigned"}' });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    await eventually(() => stack.output().includes('[gateway] POST /dev/items → 403'));
    expect(stack.output()).toMatch(/\[gateway\] POST \/dev\/items → 403 \(\d+ ms\), not invoked: MissingAuthenticationTokenException/);
  });

  it('answers GET /dev/ with the database time as a JSON string (the workshop\'s step 4)', async () => {
    const before = await dbNow();
    const response = await fetch(`${info.apiUrl}/`);
    const body = (await response.json()) as unknown;
    const after = await dbNow();

    expect(response.status).toBe(200);
    expect(body).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/));
    expect([before <= (body as string), (body as string) <= after]).toEqual([true, true]);
  });

  it('serves GET /dev/ through the local RDS Proxy, over TLS the api verifies against the proxy\'s CA', async () => {
    const before = await proxyMetrics();
    const response = await fetch(`${info.apiUrl}/`);
    const after = await proxyMetrics();

    expect(response.status).toBe(200);
    expect(after['QueryRequests']).toBeGreaterThan(before['QueryRequests'] as number);
    expect(after['ClientConnections']).toBeGreaterThanOrEqual(1);
    expect([after['ClientConnectionsNoTLS'], after['QueryRequestsNoTLS'], after['DatabaseConnectionsCurrentlySessionPinned']]).toEqual([0, 0, 0]);
    // The function is configured as in AWS, with the proxy's CA instead of the Amazon roots.
    if (existsSync('/proc/self/environ')) {
      const environments = functionEnvironments(info);
      expect(environments.length).toBeGreaterThanOrEqual(1);
      for (const env of environments) {
        expect(env).toMatchObject({ DB_HOST: 'localhost', DB_PORT: String(info.proxyPort), DB_TLS: 'verify', DB_TLS_CA_FILE: info.proxyCaFile });
      }
    }
    await eventually(() => /\[rds-proxy\] client connections \d+ · database connections \d+ \(borrowed \d+, pinned 0\) · queries \d+/.test(stack.output()));
  });

  it('round-trips an item with signed requests: POST /dev/items, then GET /dev/items/{id}, stored in the database', async () => {
    const created = await signedFetch(
      `${info.apiUrl}/items`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from the e2e test', description: "it's; DROP TABLE items; --" }),
      },
      signing(),
    );
    const item = (await created.json()) as { id: number; name: string; description: string };
    const fetched = await signedFetch(`${info.apiUrl}/items/${item.id}`, {}, signing());
    const connection = await createConnection(info.dbAdminUrl);
    const [rows] = await connection.query('SELECT name, description FROM items WHERE id = ?', [item.id]);
    await connection.end();

    expect(created.status).toBe(201);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toMatchObject({ id: item.id, name: 'from the e2e test', description: "it's; DROP TABLE items; --" });
    expect(rows).toEqual([{ name: 'from the e2e test', description: "it's; DROP TABLE items; --" }]);
  });

  it('answers an unknown route with a 404 JSON error, and the function\'s JSON log line reaches the terminal', async () => {
    const response = await fetch(`${info.apiUrl}/nope`);
    const requestId = response.headers.get('x-amzn-requestid');

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    await eventually(() => stack.output().includes(`"correlation_id":"${requestId}"`));
    const line = stack.output().split('\n').find((l) => l.includes(`"correlation_id":"${requestId}"`)) ?? '';
    expect(JSON.parse(line)).toMatchObject({ level: 'WARN', status: 404 });
    await eventually(() => stack.output().includes('[gateway] GET /dev/nope → 404')); // written just after the response
  });

  it('serves the api\'s metrics, summed from its EMF lines, and the proxy\'s counters at /__metrics; no EMF line reaches the terminal', async () => {
    await fetch(`${info.apiUrl}/`);
    const response = await fetch(`${new URL(info.apiUrl).origin}/__metrics`);
    const { api, proxy } = (await response.json()) as { api: { totals: Record<string, number>; requestsByRoute: Record<string, Record<string, number>> }; proxy: Record<string, number> };

    expect(response.status).toBe(200);
    expect(api.totals['Requests']).toBeGreaterThanOrEqual(5); // the requests of the tests above that reached the function
    expect(api.totals['ColdStart']).toBeGreaterThanOrEqual(1);
    expect(api.requestsByRoute['GET /']?.['2xx']).toBeGreaterThanOrEqual(3);
    expect(api.requestsByRoute['other']?.['4xx']).toBeGreaterThanOrEqual(1); // GET /nope
    expect(proxy['QueryRequests']).toBeGreaterThan(0);
    expect(stack.output()).not.toContain('"_aws"');
  });

  it('stops everything on SIGINT and exits 0: no stack file, database process, temp dir, bundle, environment or proxy left', async () => {
    child.kill('SIGINT');
    const { code, signal } = await exit;

    expect({ code, signal, output: code === 0 ? '' : stack.output() }).toEqual({ code: 0, signal: null, output: '' });
    expect(existsSync(stack.stackFile)).toBe(false);
    expect(existsSync(info.bundleDir)).toBe(false);
    expect(processCommandLines().filter((line) => line.includes(info.bundleDir))).toEqual([]);
    if (info.dbMode === 'local') {
      expect(isAlive(info.dbServerPid as number)).toBe(false);
      expect(existsSync(info.dbDir as string)).toBe(false);
    }
    expect(existsSync(dirname(info.proxyCaFile as string))).toBe(false);
    expect(await listening(info.proxyPort as number)).toBe(false);
    expect(await listening(Number(new URL(info.proxyMetricsUrl as string).port))).toBe(false);
    expect(stack.output()).toContain('[local-stack] stopped');
    expect(stack.output()).toMatch(/\[local-stack\] api metrics: Requests \d+ \(GET \/ 2xx \d+/);
  }, 60_000);
});
