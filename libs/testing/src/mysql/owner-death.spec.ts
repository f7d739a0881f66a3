import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { transformFileSync } from '@swc/core';
import { processGone, waitFor } from './spec-helpers';

jest.setTimeout(240_000);

/**
 * Compiles this folder to CommonJS (data files copied as they are) so a plain `node` child can run the real
 * harness: the cleanup paths under test only matter when the owning process ends, which a test cannot do to itself.
 */
function compileHarness(outDir: string): void {
  for (const name of readdirSync(__dirname)) {
    if (name.endsWith('.json')) copyFileSync(join(__dirname, name), join(outDir, name));
    if (!name.endsWith('.ts') || name.endsWith('.spec.ts') || name === 'spec-helpers.ts') continue;
    const { code } = transformFileSync(join(__dirname, name), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      swcrc: false,
      configFile: false,
    });
    writeFileSync(join(outDir, name.replace(/\.ts$/, '.js')), code);
  }
}

const OWNER_SCRIPT = `
  const { startMysql } = require(process.argv[1] + '/start-mysql.js');
  startMysql({ url: '' }).then((server) => {
    if (process.argv[3] === 'no-watchdog') {
      // Take the watchdog out so only the in-process hooks can clean up.
      const registry = process[Symbol.for('@serverless-app/testing/mysql-cleanup')];
      for (const entry of registry.entries.values()) process.kill(entry.watchdogPid, 'SIGKILL');
    }
    if (process.argv[3] === 'own-handler') {
      // An application with its own graceful shutdown.
      process.on('SIGTERM', () => { server.stop().then(() => process.exit(0)); });
    }
    process.stdout.write(JSON.stringify({ pid: server.pid, dir: server.dir }) + '\\n');
    if (process.argv[2] === 'wait') setInterval(() => {}, 1000);
    // 'return': nothing the harness left behind may keep the process alive, so it ends here.
  }, (error) => { process.stderr.write(String(error && error.stack)); process.exit(3); });`;

describe('a server whose owner process ends without stop()', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'owner-death-spec-'));
    compileHarness(outDir);
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  async function startOwner(mode: 'wait' | 'return', watchdog: 'watchdog' | 'no-watchdog' | 'own-handler') {
    const nodeModules = dirname(dirname(require.resolve('mysql2')));
    const owner = spawn(process.execPath, ['-e', OWNER_SCRIPT, outDir, mode, watchdog], {
      env: { ...process.env, NODE_PATH: nodeModules, MYSQL_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    owner.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(owner, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const [line] = (await Promise.race([once(owner.stdout as NodeJS.ReadableStream, 'data'), exited.then(() => [undefined])])) as [Buffer | undefined];
    if (line === undefined) throw new Error(`owner failed to start a server: ${stderr}`);
    const started = JSON.parse(line.toString()) as { pid: number; dir: string };
    expect(started.pid).toEqual(expect.any(Number));
    if (mode === 'wait') {
      expect(processGone(started.pid)).toBe(false);
      expect(existsSync(started.dir)).toBe(true);
    }
    return { owner, exited, ...started };
  }

  it('is killed and removed by the watchdog when the owner is SIGKILLed', async () => {
    const { owner, exited, pid, dir } = await startOwner('wait', 'watchdog');
    owner.kill('SIGKILL');
    await exited;
    await waitFor(() => processGone(pid), 'the server to be killed');
    await waitFor(() => !existsSync(dir), 'the temp dir to be removed');
  });

  it('is killed and removed by the signal hook on SIGTERM, which then re-raises', async () => {
    const { owner, exited, pid, dir } = await startOwner('wait', 'no-watchdog');
    owner.kill('SIGTERM');
    const [, signal] = await exited;
    expect(signal).toBe('SIGTERM');
    expect(existsSync(dir)).toBe(false);
    await waitFor(() => processGone(pid), 'the server to be killed');
  });

  it('leaves the signal to an owner that handles it, so the server stops gracefully', async () => {
    const { owner, exited, pid, dir } = await startOwner('wait', 'own-handler');
    owner.kill('SIGTERM');
    const [code, signal] = await exited;

    expect([code, signal]).toEqual([0, null]);
    expect(existsSync(dir)).toBe(false);
    expect(processGone(pid)).toBe(true);
  });

  it('does not keep the owner alive, and is cleaned up by the exit hook', async () => {
    const { exited, pid, dir } = await startOwner('return', 'no-watchdog');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(existsSync(dir)).toBe(false);
    await waitFor(() => processGone(pid), 'the server to be killed');
  });
});
