import { isAlive, signedFetch, type SigV4SigningOptions } from '@serverless-app/testing';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { eventually, tempDir } from './fake-bundle.test-util';
import { readStackFile, type StackInfo } from './stack-file';

/**
 * The real thing, as `npm start` runs it: a child process with the stack, a real database, the real
 * api bundle in Lambda environments, real HTTP. One stack per file (the machine has two cores).
 */
jest.setTimeout(60_000);

const workspaceRoot = join(__dirname, '../../..');
const temp = tempDir('local-stack-e2e-');
const stackFile = join(temp.path, 'stack.json');
let child: ChildProcess;
let output = '';
let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let info: StackInfo;
/** Signs as the README's curl does: the stack's generated key pair, its region, execute-api. */
const signing = (): SigV4SigningOptions => ({ credentials: info.credentials, region: info.region });

function processCommandLines(): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
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
  child = spawn(process.execPath, ['--require', 'tsx/cjs', 'tools/src/local-stack/main.ts'], {
    cwd: workspaceRoot,
    env: { ...process.env, PORT: '0', LOCAL_STACK_FILE: stackFile, TSX_TSCONFIG_PATH: 'tools/tsconfig.json', LOG_LEVEL: 'INFO' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exited = false;
  void exit.then(() => (exited = true));

  await eventually(() => exited || readStackFile(stackFile) !== undefined);
  if (exited) throw new Error(`The stack exited before it was up:\n${output}`);
  info = readStackFile(stackFile) as StackInfo;
}, 180_000);

afterAll(async () => {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL'); // a failed test left it running; its database watchdog cleans up after it
    await exit;
  }
  temp.cleanup();
}, 30_000);

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
    });
    expect(info.routes).toContainEqual({ method: 'POST', path: '/items', auth: 'iam' });
    if (!process.env['MYSQL_URL']) {
      expect(info.dbMode).toBe('local');
      expect(isAlive(info.dbServerPid as number)).toBe(true);
      expect(existsSync(info.dbDir as string)).toBe(true);
    }
  });

  it('prints the API URL, the Secrets Manager endpoint, the secret id, the database admin URL and a signed curl', () => {
    for (const value of [`${info.apiUrl}/`, info.secretsManagerEndpoint, info.secretId, info.dbAdminUrl]) {
      expect(output).toContain(value);
    }
    expect(output).toContain(`curl --aws-sigv4 "aws:amz:${info.region}:execute-api" --user "${info.credentials.accessKeyId}:${info.credentials.secretAccessKey}" -X POST ${info.apiUrl}/items`);
  });

  it('refuses an unsigned write with API Gateway\'s 403, without invoking the function', async () => {
    const response = await fetch(`${info.apiUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"unsigned"}' });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    await eventually(() => output.includes('[gateway] POST /dev/items → 403'));
    expect(output).toMatch(/\[gateway\] POST \/dev\/items → 403 \(\d+ ms\), not invoked: MissingAuthenticationTokenException/);
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
    await eventually(() => output.includes(`"correlation_id":"${requestId}"`));
    const line = output.split('\n').find((l) => l.includes(`"correlation_id":"${requestId}"`)) ?? '';
    expect(JSON.parse(line)).toMatchObject({ level: 'WARN', status: 404 });
    await eventually(() => output.includes('[gateway] GET /dev/nope → 404')); // written just after the response
  });

  it('stops everything on SIGINT and exits 0: no stack file, database process, temp dir, bundle or environment left', async () => {
    child.kill('SIGINT');
    const { code, signal } = await exit;

    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
    expect(existsSync(stackFile)).toBe(false);
    expect(existsSync(info.bundleDir)).toBe(false);
    expect(processCommandLines().filter((line) => line.includes(info.bundleDir))).toEqual([]);
    if (info.dbMode === 'local') {
      expect(isAlive(info.dbServerPid as number)).toBe(false);
      expect(existsSync(info.dbDir as string)).toBe(false);
    }
    expect(output).toContain('[local-stack] stopped');
  }, 60_000);
});
