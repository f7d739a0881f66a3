import { rmSync } from 'node:fs';
import { hostProcess } from './host-process';

/** What must be destroyed if this process exits before `stop()` ran. */
export interface CleanupEntry {
  readonly dir: string;
  serverPid: number | undefined;
  watchdogPid: number | undefined;
}

interface Registry {
  entries: Map<string, CleanupEntry>;
  exitHooked: boolean;
  signalsHooked: boolean;
}

// Kept on the real process so every Jest test file in a worker shares one registry and one set of hooks.
const REGISTRY = Symbol.for('@serverless-app/testing/mysql-cleanup');
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function registry(): Registry {
  const host = hostProcess() as unknown as Record<symbol, Registry | undefined>;
  let found = host[REGISTRY];
  if (found === undefined) {
    found = { entries: new Map(), exitHooked: false, signalsHooked: false };
    host[REGISTRY] = found;
  }
  return found;
}

function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Synchronously kills every tracked server and watchdog and removes their dirs. Runs from the exit and
 * signal hooks; callable directly.
 *
 * @example
 * cleanupAllSync(); // nothing tracked is left running or on disk
 */
export function cleanupAllSync(): void {
  const { entries } = registry();
  for (const entry of entries.values()) {
    // The watchdog goes first so it cannot later kill a reused pid.
    killQuietly(entry.watchdogPid);
    killQuietly(entry.serverPid);
    try {
      rmSync(entry.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort while exiting.
    }
  }
  entries.clear();
}

function installHooks(reg: Registry): void {
  const host = hostProcess();
  if (!reg.exitHooked) {
    reg.exitHooked = true;
    host.on('exit', cleanupAllSync);
  }
  if (reg.signalsHooked) return;
  reg.signalsHooked = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    // An application that handles the signal itself (a local stack stopping gracefully) is left to do
    // so: killing its database first would fail its requests in flight. The exit hook and the watchdog
    // still clean up whatever it leaves.
    if (host.listenerCount(signal) > 1) return;
    cleanupAllSync();
    for (const name of SIGNALS) host.removeListener(name, onSignal);
    reg.signalsHooked = false;
    // Re-raise so the default action (exit with the signal) happens, unless someone else handles it.
    if (host.listenerCount(signal) === 0) host.kill(host.pid, signal);
  };
  for (const name of SIGNALS) host.on(name, onSignal);
}

/**
 * Tracks `dir` (and later its server/watchdog pids) for emergency cleanup, installing the process hooks
 * on first use. Mutate the returned entry as pids change.
 *
 * @example
 * const entry = track(dir.root);
 * entry.serverPid = child.pid;
 */
export function track(dir: string): CleanupEntry {
  const reg = registry();
  installHooks(reg);
  const entry: CleanupEntry = { dir, serverPid: undefined, watchdogPid: undefined };
  reg.entries.set(dir, entry);
  return entry;
}

/**
 * Stops tracking `dir` after a clean stop.
 *
 * @example
 * untrack(dir.root);
 */
export function untrack(dir: string): void {
  registry().entries.delete(dir);
}
