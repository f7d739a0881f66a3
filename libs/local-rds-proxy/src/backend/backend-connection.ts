import { connect, type Socket } from 'node:net';
import { Command } from '../protocol/constants';
import { framePacket, PacketReader, type Packet } from '../protocol/framing';
import { commandPayload } from '../protocol/packets';
import { ResponseScanner, type ResponseKind } from '../protocol/response-scanner';
import { parseQueryResponse, type QueryOutcome } from '../protocol/result-set';
import { DatabaseConnectionLostError } from './backend-errors';
import { logIn, type BackendLogin } from './backend-login';

/** Where the database is and how long a connection attempt may take. */
export interface BackendTarget {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
}

/** Where relayed response bytes go: the client's socket. */
export interface RelaySink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** How a relayed response ended. */
export interface RelayOutcome {
  /** Status flags of its last OK/EOF packet, or -1 (it ended with ERR). */
  readonly status: number;
  readonly failed: boolean;
  readonly errno: number;
  /** The server asked for a LOCAL INFILE upload; the connection is no longer usable. */
  readonly localInfile: boolean;
}

let nextLocalId = 1;

/**
 * One connection from the proxy to the database, logged in. It runs one
 * exchange at a time: a response relayed to a client byte for byte
 * ({@link relay}), or a statement of the proxy's own ({@link query}).
 *
 * @example
 * const conn = await BackendConnection.open(target, { user, password, capabilities });
 * const outcome = await conn.relay(packet.raw, 'result', clientSocket);
 */
export class BackendConnection {
  /** The proxy's own number for this connection. */
  readonly id = nextLocalId++;
  /** Set when the socket is gone; the connection must not be used. */
  closed = false;
  /** Called once when the socket closes, whatever the reason. */
  onClose: (() => void) | undefined;

  private sink: ((chunk: Buffer) => void) | undefined;
  /** Reused for every relayed response (one exchange at a time). */
  private readonly scanner = new ResponseScanner('result');
  private failPending: ((error: Error) => void) | undefined;

  private constructor(
    private readonly socket: Socket,
    /** The server's thread id (`CONNECTION_ID()`). */
    readonly threadId: number,
    readonly serverVersion: string,
    /** The capabilities in effect on this connection. */
    readonly capabilities: number,
    /** The collation the server set up the connection with. */
    readonly collationId: number,
  ) {
    socket.on('data', (chunk: Buffer) => {
      if (this.sink) this.sink(chunk);
      else this.destroy(); // unsolicited bytes (e.g. an idle-timeout notice): the connection is done
    });
    socket.on('error', () => undefined); // 'close' follows
    socket.on('close', () => {
      this.closed = true;
      this.sink = undefined;
      const fail = this.failPending;
      this.failPending = undefined;
      fail?.(new DatabaseConnectionLostError('the database connection closed'));
      const onClose = this.onClose;
      this.onClose = undefined;
      onClose?.();
    });
  }

  /**
   * Connects and logs in. Rejects with {@link DatabaseServerError} when the
   * server refuses the login, {@link DatabaseConnectionLostError} when it
   * cannot be reached in time.
   */
  static open(target: BackendTarget, login: BackendLogin): Promise<BackendConnection> {
    return new Promise<BackendConnection>((resolve, reject) => {
      const socket = connect({ host: target.host, port: target.port, noDelay: true, keepAlive: true });
      const reader = new PacketReader();
      const queue: Packet[] = [];
      let waiting: { resolve: (p: Packet) => void; reject: (e: Error) => void } | undefined;
      let failure: Error | undefined;
      const fail = (error: Error): void => {
        failure ??= error;
        waiting?.reject(failure);
        waiting = undefined;
      };
      const onData = (chunk: Buffer): void => {
        try {
          queue.push(...reader.push(chunk));
        } catch (error) {
          fail(new DatabaseConnectionLostError('malformed packet from the database', { cause: error }));
        }
        const packet = waiting ? queue.shift() : undefined;
        if (waiting && packet) {
          const w = waiting;
          waiting = undefined;
          w.resolve(packet);
        }
      };
      const onError = (error: Error): void => fail(new DatabaseConnectionLostError(`cannot reach the database (${(error as NodeJS.ErrnoException).code ?? error.message})`, { cause: error }));
      const onClose = (): void => fail(new DatabaseConnectionLostError('the database closed the connection during login'));
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.setTimeout(target.connectTimeoutMs, () => {
        fail(new DatabaseConnectionLostError(`no answer from the database within ${target.connectTimeoutMs} ms`));
        socket.destroy();
      });
      const next = (): Promise<Packet> => {
        if (failure) return Promise.reject(failure);
        const packet = queue.shift();
        if (packet) return Promise.resolve(packet);
        return new Promise<Packet>((res, rej) => {
          waiting = { resolve: res, reject: rej };
        });
      };
      logIn(socket, next, login).then(
        ({ greeting, capabilities }) => {
          socket.setTimeout(0);
          socket.off('data', onData);
          socket.off('error', onError);
          socket.off('close', onClose);
          if (failure || socket.destroyed) {
            reject(failure ?? new DatabaseConnectionLostError('the database closed the connection during login'));
            return;
          }
          resolve(new BackendConnection(socket, greeting.connectionId, greeting.serverVersion, capabilities, login.collationId ?? greeting.collationId));
        },
        (error: unknown) => {
          socket.destroy();
          reject(error);
        },
      );
    });
  }

  /** Sends a command that gets no response (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA). */
  send(raw: Buffer): void {
    if (!this.closed) this.socket.write(raw);
  }

  /**
   * Sends a client's command exactly as received and relays the response to
   * `to` as it arrives, chunk by chunk, pausing while `to` is full. Resolves
   * at the response's last byte; rejects with
   * {@link DatabaseConnectionLostError} if the connection dies first (some
   * of the response may have been relayed).
   */
  relay(raw: Buffer, kind: ResponseKind, to: RelaySink): Promise<RelayOutcome> {
    const scanner = this.scanner.reset(kind);
    return this.run(raw, (chunk, done) => {
      const end = scanner.feed(chunk);
      const full = to.write(end === chunk.length ? chunk : chunk.subarray(0, end));
      if (scanner.done) {
        done({ status: scanner.failed ? -1 : scanner.status, failed: scanner.failed, errno: scanner.errno, localInfile: scanner.localInfile });
        if (end < chunk.length || scanner.localInfile) this.destroy();
      } else if (!full) {
        this.socket.pause();
        to.once('drain', () => this.socket.resume());
      }
    });
  }

  /** Sends a command of the proxy's own and collects its whole response. */
  exchange(payload: Buffer, kind: ResponseKind): Promise<Packet[]> {
    const scanner = new ResponseScanner(kind);
    const chunks: Buffer[] = [];
    return this.run(framePacket(payload, 0).bytes, (chunk, done) => {
      const end = scanner.feed(chunk);
      chunks.push(end === chunk.length ? chunk : chunk.subarray(0, end));
      if (scanner.done) done(new PacketReader().push(Buffer.concat(chunks)));
    });
  }

  /** Runs one text statement of the proxy's own; reads its first result. */
  async query(sql: string): Promise<QueryOutcome> {
    return parseQueryResponse(await this.exchange(commandPayload(Command.QUERY, sql), 'result'));
  }

  /** Closes the socket at once (a statement in flight is abandoned). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Closes politely (COM_QUIT), then the socket. */
  quit(): void {
    if (this.closed) return;
    this.socket.end(framePacket(Buffer.from([Command.QUIT]), 0).bytes);
    this.socket.destroySoon?.();
  }

  private run<T>(bytes: Buffer, onChunk: (chunk: Buffer, done: (value: T) => void) => void): Promise<T> {
    if (this.closed) return Promise.reject(new DatabaseConnectionLostError('the database connection is closed'));
    if (this.sink) return Promise.reject(new Error('an exchange is already in flight on this database connection'));
    return new Promise<T>((resolve, reject) => {
      const finish = (value: T): void => {
        this.sink = undefined;
        this.failPending = undefined;
        resolve(value);
      };
      this.failPending = reject;
      this.sink = (chunk) => onChunk(chunk, finish);
      this.socket.write(bytes);
    });
  }
}
