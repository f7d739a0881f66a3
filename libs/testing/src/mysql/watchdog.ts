import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { SERVER_PID_FILE } from './run-dir';

/**
 * Shell script run by the watchdog. `read` returns once stdin hits end-of-file, which happens when the
 * owner closes the pipe or dies in any way (SIGKILL included); then it kills the server whose pid is in
 * `$1/server.pid` and removes `$1`.
 */
const SCRIPT = [
  'read _',
  `pid=$(cat "$1/${SERVER_PID_FILE}" 2>/dev/null)`,
  'case "$pid" in ""|*[!0-9]*) ;; *) kill -9 "$pid" 2>/dev/null ;; esac',
  'rm -rf "$1"',
].join('\n');

/**
 * The command line of a watchdog guarding `dir` (`sh -c <script> sh <dir>`).
 *
 * @example
 * const { command, args } = watchdogCommand('/tmp/serverless-app-mysql-run-x');
 * spawn(command, args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
 */
export function watchdogCommand(dir: string): { command: string; args: string[] } {
  return { command: 'sh', args: ['-c', SCRIPT, 'sh', dir] };
}

/** A running watchdog. */
export interface Watchdog {
  readonly pid: number | undefined;
  /** Stops the watchdog without letting it fire (normal shutdown). Idempotent. */
  disarm(): void;
}

/**
 * Starts a detached watchdog that kills the server of `dir` and removes `dir` when this process dies,
 * however it dies. Nothing here keeps the event loop alive.
 *
 * @example
 * const watchdog = spawnWatchdog(dir.root);
 * // ... on a clean stop:
 * watchdog.disarm();
 */
export function spawnWatchdog(dir: string): Watchdog {
  const { command, args } = watchdogCommand(dir);
  const child = spawn(command, args, { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', () => undefined);
  const stdin = child.stdin as Socket | null;
  stdin?.on('error', () => undefined);
  stdin?.unref();
  child.unref();
  let armed = true;
  return {
    pid: child.pid,
    disarm() {
      if (!armed) return;
      armed = false;
      // Kill first: closing stdin would make it fire.
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
      stdin?.destroy();
    },
  };
}
