import { connect } from 'node:net';
import { createConnection } from 'mysql2/promise';
import { readLogTail } from './error-log';
import type { ServerProcess } from './server-process';

/** The server exited or did not answer in time; the message ends with the tail of its error log. */
export class ServerStartError extends Error {
  /** The log says the port was already taken: worth retrying on another port. */
  readonly portInUse: boolean;

  constructor(message: string, logTail: string, options?: ErrorOptions) {
    super(`${message}\n--- error log (tail) ---\n${logTail}`, options);
    this.name = 'ServerStartError';
    this.portInUse = /address already in use|bind on tcp\/ip port|another mysqld server running on port/i.test(logTail);
  }
}

/** Where to probe a starting server. */
export interface ReadyProbe {
  port: number;
  /** Unix socket for the login check; `root@localhost` has no password and is reachable only through it. */
  socket: string;
  errorLog: string;
  /** Byte offset of the error log when this start began, so older runs' lines are not blamed. */
  logOffset: number;
  timeoutMs: number;
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function canLogIn(socketPath: string): Promise<boolean> {
  try {
    const conn = await createConnection({ socketPath, user: 'root', password: '', connectTimeout: 2_000 });
    try {
      await conn.query('SELECT 1');
      return true;
    } finally {
      await conn.end().catch(() => undefined);
    }
  } catch {
    return false;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls until the server accepts TCP on `port` and a real login over its socket, failing fast if the
 * process exits.
 *
 * @throws {ServerStartError} on early exit or timeout, with the error log's tail in the message.
 * @example
 * await waitUntilReady(proc, { port, socket: dir.socket, errorLog: dir.errorLog, logOffset, timeoutMs: 30_000 });
 */
export async function waitUntilReady(proc: ServerProcess, probe: ReadyProbe): Promise<void> {
  const deadline = Date.now() + probe.timeoutMs;
  for (;;) {
    const exit = proc.exited();
    if (exit !== undefined) {
      const how = exit.error ? `could not be started (${exit.error.message})` : `exited (code ${exit.code}, signal ${exit.signal}) before it was ready`;
      throw new ServerStartError(`The database server ${how}.`, readLogTail(probe.errorLog, probe.logOffset), { cause: exit.error });
    }
    if ((await tcpAnswers(probe.port)) && (await canLogIn(probe.socket)) && proc.exited() === undefined) return;
    if (Date.now() > deadline) {
      throw new ServerStartError(
        `The database server did not answer on 127.0.0.1:${probe.port} within ${probe.timeoutMs} ms.`,
        readLogTail(probe.errorLog, probe.logOffset),
      );
    }
    await pause(50);
  }
}
