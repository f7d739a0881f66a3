import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { prepareDataDir } from './data-dir';
import { logSize } from './error-log';
import { defaultSearchPath, findServer } from './find-server';
import { createRunDir, type RunDir } from './run-dir';
import { serverArgs } from './server-args';
import { spawnServer, stopServer } from './server-process';
import { ServerStartError, waitUntilReady } from './wait-ready';

jest.setTimeout(180_000);

describe('waitUntilReady', () => {
  const binary = findServer(defaultSearchPath());
  let dir: RunDir;
  let blocker: Server;

  beforeEach(async () => {
    dir = createRunDir('run-');
    await prepareDataDir(binary, dir, true);
    blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
  });

  afterEach(async () => {
    blocker.close();
    rmSync(dir.root, { recursive: true, force: true });
  });

  it('reports a taken port as portInUse, with the log tail, so the caller can retry', async () => {
    const port = (blocker.address() as { port: number }).port;
    const proc = spawnServer(binary.path, serverArgs(binary, dir, port, undefined));
    const error: unknown = await waitUntilReady(proc, { port, socket: dir.socket, errorLog: dir.errorLog, logOffset: logSize(dir.errorLog), timeoutMs: 60_000 }).catch(
      (caught: unknown) => caught,
    );
    await stopServer(proc, 2_000);

    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as ServerStartError).portInUse).toBe(true);
    expect((error as Error).message).toMatch(/error log \(tail\)[\s\S]*in use/i);
  });

  it('does not mistake another cause of failure for a taken port', async () => {
    const port = (blocker.address() as { port: number }).port + 1;
    const proc = spawnServer(binary.path, serverArgs(binary, dir, port, { 'innodb-buffer-pool-size': 'lots' }));
    const error: unknown = await waitUntilReady(proc, { port, socket: dir.socket, errorLog: dir.errorLog, logOffset: logSize(dir.errorLog), timeoutMs: 60_000 }).catch(
      (caught: unknown) => caught,
    );
    await stopServer(proc, 2_000);

    expect(error).toBeInstanceOf(ServerStartError);
    expect((error as ServerStartError).portInUse).toBe(false);
  });
});
