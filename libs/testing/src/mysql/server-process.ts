import { spawn } from 'node:child_process';

/** How a server process ended. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

/** A spawned `mariadbd`/`mysqld`. */
export interface ServerProcess {
  readonly pid: number | undefined;
  /** Resolves once the process has exited (or failed to spawn). */
  readonly exit: Promise<ServerExit>;
  /** The exit, if it already happened. */
  exited(): ServerExit | undefined;
}

/**
 * Spawns the server detached from our process group (Ctrl-C is ours to handle) and unreferenced (an
 * unstopped server must not keep Jest alive; the exit hook kills it).
 *
 * @example
 * const proc = spawnServer('/usr/sbin/mariadbd', args);
 */
export function spawnServer(binary: string, args: readonly string[]): ServerProcess {
  const child = spawn(binary, args, { detached: true, stdio: 'ignore' });
  let result: ServerExit | undefined;
  const exit = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      result ??= { code, signal };
      resolve(result);
    });
    child.once('error', (error) => {
      // 'error' without a pid means it never started; with a pid, 'exit' follows.
      if (child.pid !== undefined) return;
      result ??= { code: null, signal: null, error };
      resolve(result);
    });
  });
  child.unref();
  return { pid: child.pid, exit, exited: () => result };
}

/** Waits for `promise` or `ms`, whichever comes first, and leaves no timer behind. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function signal(proc: ServerProcess, name: NodeJS.Signals): void {
  if (proc.pid === undefined || proc.exited() !== undefined) return;
  try {
    process.kill(proc.pid, name);
  } catch {
    // Exited in the meantime.
  }
}

/**
 * SIGTERM (a clean shutdown), then SIGKILL if it is still running after `graceMs`; resolves once it is gone.
 * The timers are referenced on purpose: they keep the event loop alive while we wait for an unreferenced child.
 *
 * @example
 * await stopServer(proc, 5_000);
 */
export async function stopServer(proc: ServerProcess, graceMs: number): Promise<void> {
  if (proc.exited() !== undefined) return;
  signal(proc, 'SIGTERM');
  await within(proc.exit, graceMs);
  if (proc.exited() !== undefined) return;
  signal(proc, 'SIGKILL');
  await within(proc.exit, 10_000);
  if (proc.exited() === undefined) throw new Error(`Server process ${proc.pid} did not exit after SIGKILL`);
}
