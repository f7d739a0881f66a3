import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { proxyDirFor } from './stack-proxy';
import { functionEnvironments, type StackProcess, startStackProcess, workspaceRoot } from './stack-process.test-util';

/** `LOCAL_RDS_PROXY=off npm start`: the api reaches the database directly, as before the proxy existed. */
jest.setTimeout(60_000);

let stack: StackProcess;

beforeAll(async () => {
  stack = await startStackProcess({ LOCAL_RDS_PROXY: 'off' });
}, 180_000);
afterAll(() => stack?.cleanup(), 30_000);

describe('npm start with LOCAL_RDS_PROXY=off', () => {
  it('starts no proxy: no proxy fields in the stack file, the banner says so, the function connects straight to the database', () => {
    expect(Object.keys(stack.info).filter((key) => key.startsWith('proxy'))).toEqual([]);
    expect(stack.output()).toContain('RDS Proxy        off (LOCAL_RDS_PROXY=off): the api connects to the database directly, without TLS');
    expect(existsSync(proxyDirFor(workspaceRoot, stack.child.pid as number))).toBe(false);
    if (existsSync('/proc/self/environ')) {
      for (const env of functionEnvironments(stack.info)) {
        expect(env).toMatchObject({ DB_HOST: stack.info.dbHost, DB_PORT: String(stack.info.dbPort), DB_TLS: 'off' });
        expect(env['DB_TLS_CA_FILE']).toBeUndefined();
      }
    }
  });

  it('serves GET /dev/ and stops cleanly on SIGINT', async () => {
    const response = await fetch(`${stack.info.apiUrl}/`);
    expect(response.status).toBe(200);
    expect(stack.output()).not.toContain('[rds-proxy]');

    stack.child.kill('SIGINT');
    const { code } = await stack.exit;

    expect({ code, output: code === 0 ? '' : stack.output() }).toEqual({ code: 0, output: '' });
    expect(existsSync(stack.stackFile)).toBe(false);
    expect(existsSync(join(workspaceRoot, '.local', 'bundles', String(stack.child.pid)))).toBe(false);
  });
});
