import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAdminAccount, createAppAccount, dropNetworkRoots, serverVersion } from './accounts';
import { setGlobalVariable, withConnection } from './admin-ops';
import { type CleanupEntry, track, untrack } from './cleanup-registry';
import { prepareDataDir } from './data-dir';
import { logSize } from './error-log';
import type { ServerBinary } from './find-server';
import { freePort } from './free-port';
import { randomPassword, randomSuffix } from './random';
import { createRunDir, type RunDir, SERVER_PID_FILE } from './run-dir';
import { flagArgs, serverArgs } from './server-args';
import { ServerBase, type ServerInfo } from './server-base';
import { type ServerProcess, spawnServer, stopServer } from './server-process';
import { reapStaleDirs } from './stale-dirs';
import type { MysqlServer, StartMysqlOptions } from './types';
import { ServerStartError, waitUntilReady } from './wait-ready';
import { spawnWatchdog, type Watchdog } from './watchdog';

const ADMIN_USER = 'admin';
const PORT_ATTEMPTS = 5;

/** Everything needed to (re)start one local server. */
interface Launcher {
  binary: ServerBinary;
  dir: RunDir;
  entry: CleanupEntry;
  flags: StartMysqlOptions['serverFlags'];
  startTimeoutMs: number;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function recordServerPid(launcher: Launcher, pid: number | undefined): void {
  launcher.entry.serverPid = pid;
  const file = join(launcher.dir.root, SERVER_PID_FILE);
  if (pid === undefined) rmSync(file, { force: true });
  else writeFileSync(file, `${pid}\n`);
}

/**
 * Starts the server and waits until it answers. Without `fixedPort` a new free port is picked per attempt;
 * with one (restart) the same port is retried after a pause. Either way only "address in use" is retried.
 */
async function launch(launcher: Launcher, fixedPort?: number): Promise<{ proc: ServerProcess; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = fixedPort ?? (await freePort());
    const logOffset = logSize(launcher.dir.errorLog);
    const proc = spawnServer(launcher.binary.path, serverArgs(launcher.binary, launcher.dir, port, launcher.flags));
    recordServerPid(launcher, proc.pid);
    try {
      await waitUntilReady(proc, {
        port,
        socket: launcher.dir.socket,
        errorLog: launcher.dir.errorLog,
        logOffset,
        timeoutMs: launcher.startTimeoutMs,
      });
      return { proc, port };
    } catch (error) {
      await stopServer(proc, 2_000).catch(() => undefined);
      recordServerPid(launcher, undefined);
      if (!(error instanceof ServerStartError && error.portInUse && attempt < PORT_ATTEMPTS)) throw error;
      if (fixedPort !== undefined) await pause(500 * attempt);
    }
  }
}

/** A private `mariadbd`/`mysqld` process in a temp dir. */
class LocalMysqlServer extends ServerBase implements MysqlServer {
  readonly mode = 'local';
  private proc: ServerProcess;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    info: ServerInfo,
    private readonly launcher: Launcher,
    private readonly watchdog: Watchdog,
    proc: ServerProcess,
    private readonly stopTimeoutMs: number,
  ) {
    super(info);
    this.proc = proc;
  }

  get pid(): number | undefined {
    return this.proc.exited() === undefined ? this.proc.pid : undefined;
  }

  get dir(): string {
    return this.launcher.dir.root;
  }

  /** Runs lifecycle operations one at a time, so a stop waits for a restart in progress. */
  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  stop(): Promise<void> {
    this.stopping ??= this.serialize(async () => {
      let failure: unknown;
      try {
        await stopServer(this.proc, this.stopTimeoutMs);
      } catch (error) {
        failure = error;
      }
      this.watchdog.disarm();
      try {
        rmSync(this.launcher.dir.root, { recursive: true, force: true, maxRetries: 3 });
        untrack(this.launcher.dir.root);
      } catch (error) {
        failure ??= error;
      }
      if (failure !== undefined) throw new Error(`Stopping the MySQL server in ${this.launcher.dir.root} failed`, { cause: failure });
    });
    return this.stopping;
  }

  restart(): Promise<void> {
    this.assertNotStopped('restart()');
    return this.serialize(async () => {
      await this.halt();
      await this.launchAgain();
    });
  }

  down(): Promise<void> {
    this.assertNotStopped('down()');
    return this.serialize(() => this.halt());
  }

  up(): Promise<void> {
    this.assertNotStopped('up()');
    return this.serialize(async () => {
      if (this.proc.exited() === undefined) return;
      await this.launchAgain();
    });
  }

  freeze(): Promise<void> {
    return this.signal('freeze()', 'SIGSTOP');
  }

  thaw(): Promise<void> {
    return this.signal('thaw()', 'SIGCONT');
  }

  private async signal(operation: string, signal: NodeJS.Signals): Promise<void> {
    this.assertNotStopped(operation);
    const pid = this.proc.pid;
    if (this.proc.exited() !== undefined || pid === undefined) throw new Error(`${operation} needs a running server; call up() first`);
    process.kill(pid, signal);
  }

  private async halt(): Promise<void> {
    if (this.proc.exited() !== undefined) return;
    if (this.proc.pid !== undefined) process.kill(this.proc.pid, 'SIGCONT'); // a frozen server cannot shut down
    await stopServer(this.proc, this.stopTimeoutMs);
    recordServerPid(this.launcher, undefined);
  }

  private async launchAgain(): Promise<void> {
    this.proc = (await launch(this.launcher, this.port)).proc;
  }

  async setGlobal(name: string, value: string | number): Promise<void> {
    this.assertNotStopped('setGlobal()');
    await withConnection(this.admin, (conn) => setGlobalVariable(conn, name, value));
  }
}

/**
 * Starts a private server (see {@link startMysql}); `binary` comes from `findServer`.
 *
 * @example
 * const server = await startLocalMysql(findServer(defaultSearchPath()), { serverFlags: { 'wait-timeout': 5 } });
 */
export async function startLocalMysql(binary: ServerBinary, options: StartMysqlOptions): Promise<MysqlServer> {
  const appUser = options.appUser ?? 'app';
  const database = options.database ?? `app_${randomSuffix()}`;
  if (appUser === ADMIN_USER) throw new Error(`appUser cannot be '${ADMIN_USER}': that name is taken by the admin account.`);
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  flagArgs(options.serverFlags); // reject bad flag names before doing any work

  reapStaleDirs();
  const dir = createRunDir('run-');
  const entry = track(dir.root);
  // Armed before anything is started, so even a half-initialised dir is removed if we are killed.
  const watchdog = spawnWatchdog(dir.root);
  entry.watchdogPid = watchdog.pid;
  const launcher: Launcher = { binary, dir, entry, flags: options.serverFlags, startTimeoutMs: options.startTimeoutMs ?? 30_000 };
  let proc: ServerProcess | undefined;
  try {
    await prepareDataDir(binary, dir, options.template ?? true);
    const launched = await launch(launcher);
    proc = launched.proc;
    const adminPassword = randomPassword();
    const appPassword = randomPassword();
    // Accounts are created once over the socket as the install's root, not with --init-file: that would
    // run again on restart and undo a password rotation done by a test.
    const { version, flavor } = await withConnection({ socketPath: dir.socket, user: 'root', password: '' }, async (conn) => {
      const identity = await serverVersion(conn);
      await createAdminAccount(conn, identity.flavor, ADMIN_USER, adminPassword);
      await createAppAccount(conn, identity.flavor, { database, user: appUser, password: appPassword });
      await dropNetworkRoots(conn);
      return identity;
    });
    const common = { host: '127.0.0.1', port: launched.port, database };
    const server = new LocalMysqlServer(
      { admin: { ...common, user: ADMIN_USER, password: adminPassword }, app: { ...common, user: appUser, password: appPassword }, flavor, version },
      launcher,
      watchdog,
      proc,
      stopTimeoutMs,
    );
    await server.query('SELECT 1');
    return server;
  } catch (error) {
    if (proc !== undefined) await stopServer(proc, stopTimeoutMs).catch(() => undefined);
    watchdog.disarm();
    rmSync(dir.root, { recursive: true, force: true, maxRetries: 3 });
    untrack(dir.root);
    if (error instanceof ServerStartError) throw error;
    throw new Error(`Starting a local MySQL server failed: ${(error as Error).message}`, { cause: error });
  }
}
