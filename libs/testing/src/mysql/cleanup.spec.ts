import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAllSync, track } from './cleanup-registry';
import { hostProcess } from './host-process';
import { OWNER_FILE, SERVER_PID_FILE, TEMP_PREFIX } from './run-dir';
import { processGone, waitFor } from './spec-helpers';
import { reapStaleDirs } from './stale-dirs';
import { spawnWatchdog, watchdogCommand } from './watchdog';

jest.setTimeout(180_000);

/** A long-lived stand-in for a server; its command line mentions `dir`, like a real server's `--datadir`. */
function fakeServer(dir: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', dir], { stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid as number;
}

describe('emergency cleanup', () => {
  let parent: string;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'cleanup-spec-'));
  });

  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(parent, { recursive: true, force: true });
  });

  function runDir(name: string, owner: number): string {
    const dir = join(parent, `${TEMP_PREFIX}${name}`);
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, OWNER_FILE), `${owner}\n`);
    return dir;
  }

  it('the watchdog kills the server and removes the dir when its owner is SIGKILLed', async () => {
    const dir = runDir('run-owner-dies', process.pid);
    const server = fakeServer(dir);
    children.push(server);
    writeFileSync(join(dir, SERVER_PID_FILE), `${server.pid}\n`);
    // The owner holds the watchdog's stdin, exactly as the harness does, then is killed without warning.
    const { command, args } = watchdogCommand(dir);
    const ownerScript = `
      const { spawn } = require('node:child_process');
      const [command, args] = JSON.parse(process.argv[1]);
      const dog = spawn(command, args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      dog.unref();
      process.stdout.write('armed\\n');
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['-e', ownerScript, JSON.stringify([command, args])], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(owner);
    await once(owner.stdout as NodeJS.ReadableStream, 'data');

    owner.kill('SIGKILL');
    const [, signal] = (await once(server, 'exit')) as [number | null, NodeJS.Signals | null];

    expect(signal).toBe('SIGKILL');
    await waitFor(() => !existsSync(dir), 'the watchdog to remove the dir');
  });

  it('a disarmed watchdog does nothing', async () => {
    const dir = runDir('run-disarmed', process.pid);
    const server = fakeServer(dir);
    children.push(server);
    writeFileSync(join(dir, SERVER_PID_FILE), `${server.pid}\n`);
    const watchdog = spawnWatchdog(dir);
    const watchdogPid = watchdog.pid as number;

    watchdog.disarm();
    watchdog.disarm();

    await waitFor(() => processGone(watchdogPid), 'the watchdog to exit');
    expect(existsSync(dir)).toBe(true);
    expect(processGone(server.pid as number)).toBe(false);
  });

  it('reaps dirs of dead owners, killing only a process that is provably their server', async () => {
    const dead = await deadPid();
    const stale = runDir('run-stale', dead);
    const staleServer = fakeServer(stale);
    children.push(staleServer);
    writeFileSync(join(stale, SERVER_PID_FILE), `${staleServer.pid}\n`);

    const reused = runDir('run-reused-pid', dead);
    const bystander = fakeServer(join(parent, 'somewhere-else'));
    children.push(bystander);
    writeFileSync(join(reused, SERVER_PID_FILE), `${bystander.pid}\n`);

    const live = runDir('run-live-owner', process.pid);
    const template = join(parent, `${TEMP_PREFIX}template-mariadb-0123`);
    mkdirSync(template);

    const removed = reapStaleDirs(parent);

    expect(removed.sort()).toEqual([reused, stale].sort());
    const [, signal] = (await once(staleServer, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    expect(processGone(bystander.pid as number)).toBe(false);
    expect(readdirSync(parent).sort()).toEqual([`${TEMP_PREFIX}run-live-owner`, `${TEMP_PREFIX}template-mariadb-0123`]);
    expect(existsSync(live)).toBe(true);
  });

  it('cleanupAllSync kills tracked servers and watchdogs and removes their dirs', async () => {
    const dir = runDir('run-tracked', process.pid);
    const server = fakeServer(dir);
    children.push(server);
    const watchdog = spawnWatchdog(dir);
    const entry = track(dir);
    entry.serverPid = server.pid;
    entry.watchdogPid = watchdog.pid;

    cleanupAllSync();

    const [, signal] = (await once(server, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    expect(existsSync(dir)).toBe(false);
    await waitFor(() => processGone(watchdog.pid as number), 'the watchdog to be killed');
  });

  it('hooks the real process, not the Jest sandbox copy', () => {
    track(runDir('run-hooks', process.pid));
    const host = hostProcess();
    expect(host).not.toBe(process);
    // By name: another test file in this worker may have installed its own copy of the function.
    expect(host.listeners('exit').map((listener) => listener.name)).toContain('cleanupAllSync');
    expect(host.listenerCount('SIGTERM')).toBeGreaterThan(0);
    cleanupAllSync();
  });
});
