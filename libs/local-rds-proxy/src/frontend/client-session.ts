import { analyzeStatements, pinnedSessionMessage, type PinningFinding } from '@serverless-app/rds-proxy-rules';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { RelayOutcome } from '../backend/backend-connection';
import { DatabaseConnectionLostError, DatabaseServerError } from '../backend/backend-errors';
import { BorrowTimeoutError } from '../backend/borrow-timeout-error';
import type { BorrowRequest, Lease } from '../backend/pool';
import { SessionStateError, type SessionValues } from '../backend/session-state';
import { newScramble } from '../protocol/auth';
import {
  BORROW_TIMEOUT_MESSAGE,
  Capability,
  Command,
  PROXY_CAPABILITIES,
  ServerError,
  SESSION_CAPABILITIES,
  Status,
} from '../protocol/constants';
import { Cursor, MalformedPacketError } from '../protocol/cursor';
import { framePacket, PacketReader, PacketTooLargeError, type Packet } from '../protocol/framing';
import { errPayload, greetingPayload, okPayload, parseHandshakeResponse, type ErrFields } from '../protocol/packets';
import type { ResponseKind } from '../protocol/response-scanner';
import { authenticate, pluginFor, type AuthAttempt } from './client-auth';
import type { ProxyContext } from './proxy-context';

let nextClientId = 1;

class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, as a MySQL server shows a client host. */
function clientHost(socket: Socket): string {
  const address = socket.remoteAddress ?? 'localhost';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * One client connection to the proxy: the handshake (TLS upgrade, login
 * against the secrets, a first borrow as RDS Proxy does), then its commands,
 * one at a time, each relayed on a borrowed database connection that goes
 * back to the pool after the statement — or after the transaction, or never
 * (pinned) — with the session's tracked state carried along.
 *
 * @example
 * server.on('connection', (socket) => ClientSession.start(socket, context, sessions));
 */
export class ClientSession {
  readonly id = nextClientId++;
  private stream: Socket;
  private tls = false;
  private reader = new PacketReader();
  private queue: Packet[] = [];
  private waiting: ((packet: Packet | undefined) => void) | undefined;
  private sequenceId = 0;
  private busy = false;
  private loggedIn = false;
  private closed = false;
  private user = '';
  private capabilities = 0;
  private collationId = 0;
  private state!: SessionValues;
  private lease: Lease | undefined;
  private relaying: Lease | undefined;
  private pinned = false;
  private inTransaction = false;
  private scramble = newScramble();

  private constructor(
    socket: Socket,
    private readonly ctx: ProxyContext,
    private readonly sessions: Set<ClientSession>,
  ) {
    this.stream = socket;
    socket.setNoDelay(true);
    this.attach(socket);
  }

  /** Takes over an accepted socket. */
  static start(socket: Socket, ctx: ProxyContext, sessions: Set<ClientSession>): ClientSession {
    const session = new ClientSession(socket, ctx, sessions);
    sessions.add(session);
    ctx.metrics.count('ClientConnectionsReceived');
    void session.login();
    return session;
  }

  /** Whether the connection is encrypted. */
  get secure(): boolean {
    return this.tls;
  }

  /** Closes the connection (the proxy is stopping, or the client idled out). */
  close(): void {
    this.stream.destroy();
  }

  private attach(stream: Socket): void {
    stream.on('data', this.onData);
    stream.on('error', () => undefined); // 'close' follows
    stream.on('close', this.onClose);
    stream.setTimeout(this.ctx.idleClientTimeoutMs, () => {
      if (this.busy && this.loggedIn) return; // waiting on the database is not idleness
      this.ctx.logger.info('The client connection closed. Reason: idle longer than the idle client timeout.', {
        clientConnection: this.id,
        idleClientTimeoutMs: this.ctx.idleClientTimeoutMs,
      });
      stream.destroy();
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    let packets: Packet[];
    try {
      packets = this.reader.push(chunk);
    } catch (error) {
      if (error instanceof PacketTooLargeError) this.sendError(ServerError.PACKET_TOO_LARGE, 'Got a packet bigger than the proxy accepts');
      this.stream.destroy();
      return;
    }
    for (const packet of packets) {
      if (this.waiting) {
        const wake = this.waiting;
        this.waiting = undefined;
        wake(packet);
      } else {
        this.queue.push(packet);
      }
    }
    if (this.loggedIn) this.pump();
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.sessions.delete(this);
    this.ctx.metrics.count('ClientConnectionsClosed');
    this.waiting?.(undefined);
    this.waiting = undefined;
    const inFlight = this.relaying;
    this.relaying = undefined;
    if (inFlight) {
      // The client left in the middle of a response: that connection is mid-stream, close it.
      if (inFlight === this.lease) this.lease = undefined;
      inFlight.release({ discard: true });
    }
    const held = this.lease;
    this.lease = undefined;
    held?.release({ reset: true });
  };

  /** The client's next packet; rejects once it is gone. */
  private next(): Promise<Packet> {
    const packet = this.queue.shift();
    if (packet) {
      this.sequenceId = (packet.sequenceId + 1) & 0xff;
      return Promise.resolve(packet);
    }
    if (this.closed) return Promise.reject(new ClientClosedError('client gone'));
    return new Promise<Packet>((resolve, reject) => {
      this.waiting = (p) => {
        if (p === undefined) return reject(new ClientClosedError('client gone'));
        this.sequenceId = (p.sequenceId + 1) & 0xff;
        resolve(p);
      };
    });
  }

  private send(payload: Buffer): void {
    const framed = framePacket(payload, this.sequenceId);
    this.sequenceId = framed.nextSequenceId;
    if (!this.closed) this.stream.write(framed.bytes);
  }

  private sendError(error: { errno: number; sqlState: string }, message: string): void {
    this.send(errPayload({ ...error, message }));
  }

  private sendServerError(fields: ErrFields): void {
    this.send(errPayload(fields));
  }

  private status(): number {
    const autocommit = this.state?.variables.get('autocommit')?.value;
    return (autocommit === '0' || autocommit === 'OFF' ? 0 : Status.AUTOCOMMIT) | (this.inTransaction ? Status.IN_TRANS : 0);
  }

  // ---------------------------------------------------------------- login

  private async login(): Promise<void> {
    try {
      this.sequenceId = 0;
      const authPlugin = pluginFor(this.ctx.defaultAuthType);
      const capabilities = PROXY_CAPABILITIES | (this.ctx.secureContext ? Capability.SSL : 0);
      this.send(
        greetingPayload({
          serverVersion: this.ctx.serverVersion,
          connectionId: this.id,
          scramble: this.scramble,
          capabilities,
          collationId: this.ctx.serverCollationId,
          status: Status.AUTOCOMMIT,
          authPlugin,
        }),
      );
      let response = parseHandshakeResponse((await this.next()).payload);
      if (response.sslRequest) {
        if (!this.ctx.secureContext) throw new MalformedPacketError('TLS requested but not offered');
        await this.upgradeToTls();
        response = parseHandshakeResponse((await this.next()).payload);
        if (response.sslRequest) throw new MalformedPacketError('a second SSLRequest');
      }
      if (this.ctx.requireTls && !this.tls) {
        this.sendError(ServerError.SECURE_TRANSPORT_REQUIRED, 'Connections using insecure transport are prohibited: this proxy requires TLS.');
        this.stream.end();
        return;
      }
      this.capabilities = (response.capabilities & capabilities) >>> 0;
      this.collationId = response.collationId;
      const attempt: AuthAttempt = { user: response.user, response: response.authResponse, plugin: response.authPlugin ?? 'mysql_native_password', scramble: this.scramble };
      if (!(await this.authenticate(attempt))) return;
      this.state = this.ctx.tracked.initial(this.ctx.baseState, response.collationId, response.database ?? null);
      // RDS Proxy borrows a connection to set up the session; a busy pool answers 9501 here too.
      const lease = await this.borrow();
      if (!lease) {
        this.stream.end();
        return;
      }
      lease.release();
      this.loggedIn = true;
      this.ctx.metrics.count('ClientConnectionsSetupSucceeded');
      this.send(okPayload({ status: this.status() }));
      this.pump();
    } catch (error) {
      if (error instanceof ClientClosedError) return;
      if (error instanceof MalformedPacketError) this.sendError(ServerError.BAD_HANDSHAKE, 'Bad handshake');
      else this.ctx.logger.error('Client login failed', { clientConnection: this.id, error: (error as Error).message });
      this.stream.destroy();
    }
  }

  /** Runs the authentication exchange; on refusal answers 1045 and closes. Returns whether the client is in. */
  private async authenticate(attempt: AuthAttempt): Promise<boolean> {
    const channel = { next: () => this.next(), send: (payload: Buffer) => this.send(payload), tls: this.tls };
    const result = await authenticate(channel, attempt, this.ctx.secrets, this.ctx.defaultAuthType);
    if (result.ok) {
      this.user = result.credentials.username;
      return true;
    }
    this.ctx.metrics.count('ClientConnectionsSetupFailedAuth');
    this.ctx.logger.warn('Client authentication failed', {
      clientConnection: this.id,
      reason: result.reason === 'insecure-transport' ? 'caching_sha2_password needs TLS' : 'no registered secret matches the user and password',
    });
    this.sendError(ServerError.ACCESS_DENIED, `Access denied for user '${attempt.user}'@'${clientHost(this.stream)}' (using password: ${result.usedPassword ? 'YES' : 'NO'})`);
    this.stream.end();
    return false;
  }

  private upgradeToTls(): Promise<void> {
    const raw = this.stream;
    raw.pause();
    raw.off('data', this.onData);
    raw.off('close', this.onClose);
    raw.setTimeout(0);
    const leftover = this.reader;
    this.reader = new PacketReader();
    if (leftover.hasPartial) raw.unshift(leftover.takePending());
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.ctx.secureContext });
    this.stream = secure;
    this.tls = true;
    this.attach(secure);
    return new Promise<void>((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('close', () => reject(new ClientClosedError('client gone during the TLS handshake')));
    });
  }

  // ---------------------------------------------------------------- commands

  private pump(): void {
    if (this.busy || this.closed || this.waiting) return;
    const packet = this.queue.shift();
    if (!packet) return;
    this.busy = true;
    this.sequenceId = (packet.sequenceId + 1) & 0xff;
    this.runCommand(packet).then(this.commandDone, this.commandFailed);
  }

  private readonly commandDone = (): void => {
    this.busy = false;
    this.pump();
  };

  private readonly commandFailed = (error: unknown): void => {
    this.busy = false;
    if (!(error instanceof ClientClosedError)) {
      this.ctx.logger.error('Closing a client connection after an unexpected failure', { clientConnection: this.id, error: (error as Error).message });
    }
    this.stream.destroy();
  };

  private async runCommand(packet: Packet): Promise<void> {
    const command = packet.payload[0];
    switch (command) {
      case Command.QUIT:
        this.stream.end();
        return;
      case Command.PING:
        this.send(okPayload({ status: this.status() }));
        return;
      case Command.QUERY:
        return this.query(packet);
      case Command.INIT_DB:
        return this.forward(packet, 'single', { trackedChange: true });
      case Command.STMT_PREPARE:
        return this.forward(packet, 'prepare', { pinning: analyzeStatements(packet.payload.toString('utf8', 1), { binaryProtocol: true }).findings });
      case Command.STMT_EXECUTE:
        this.countQuery();
        return this.forwardOnHeld(packet, 'result');
      case Command.STMT_FETCH:
        return this.forwardOnHeld(packet, 'rows');
      case Command.STMT_RESET:
        return this.forwardOnHeld(packet, 'single');
      case Command.STMT_CLOSE:
      case Command.STMT_SEND_LONG_DATA:
        this.lease?.conn.send(packet.raw); // no response
        return;
      case Command.SET_OPTION:
        return this.forward(packet, 'single', {
          pinning: [{ code: 'session-state', certainty: 'always', message: 'COM_SET_OPTION changes the multi-statement mode of the connection' }],
        });
      case Command.FIELD_LIST:
        return this.forward(packet, 'field-list');
      case Command.STATISTICS:
        return this.forward(packet, 'single');
      case Command.RESET_CONNECTION:
        return this.resetConnection(packet);
      case Command.CHANGE_USER:
        return this.changeUser(packet);
      default:
        this.sendError(ServerError.UNKNOWN_COMMAND, 'Unknown command');
    }
  }

  private countQuery(): void {
    this.ctx.metrics.count('QueryRequests');
    if (!this.tls) this.ctx.metrics.count('QueryRequestsNoTLS');
  }

  private query(packet: Packet): Promise<void> {
    this.countQuery();
    const sql = packet.payload.toString('utf8', 1);
    const analysis = analyzeStatements(sql, { multiStatements: (this.capabilities & Capability.MULTI_STATEMENTS) !== 0 });
    return this.forward(packet, 'result', { pinning: analysis.findings, trackedChange: analysis.trackedChanges.length > 0 });
  }

  /** Prepared-statement commands only make sense on the connection that prepared them (the session is pinned). */
  private forwardOnHeld(packet: Packet, kind: ResponseKind): Promise<void> {
    if (!this.lease) {
      this.sendError(ServerError.UNKNOWN_STATEMENT, 'Unknown prepared statement handler given to the proxy');
      return Promise.resolve();
    }
    return this.forward(packet, kind);
  }

  private borrowRequest(): BorrowRequest {
    return {
      user: this.user,
      sessionCapabilities: this.capabilities & SESSION_CAPABILITIES,
      state: this.state,
      collationId: this.collationId,
      timeoutMs: this.ctx.borrowTimeoutMs,
    };
  }

  /** Borrows a connection holding the session's state; answers the client with the error (9501, ...) and returns undefined if it cannot. */
  private async borrow(): Promise<Lease | undefined> {
    try {
      const lease = await this.ctx.pool.borrowFor(this.borrowRequest());
      if (this.closed) {
        lease.release();
        throw new ClientClosedError('client gone while borrowing');
      }
      return lease;
    } catch (error) {
      if (error instanceof BorrowTimeoutError) {
        this.sendError(ServerError.BORROW_TIMEOUT, BORROW_TIMEOUT_MESSAGE);
      } else if (error instanceof DatabaseServerError) {
        this.sendServerError(error.fields);
      } else if (error instanceof ClientClosedError) {
        throw error;
      } else if (error instanceof SessionStateError) {
        this.ctx.logger.warn('Could not restore the session state on a database connection', { clientConnection: this.id, errno: error.errno });
        this.sendError(ServerError.UNKNOWN_ERROR, `The proxy could not restore the session state on a database connection (error ${error.errno})`);
      } else {
        this.ctx.logger.warn('Could not prepare a database connection for the client', { clientConnection: this.id, error: (error as Error).message });
        this.sendError(ServerError.BORROW_TIMEOUT, BORROW_TIMEOUT_MESSAGE);
      }
      return undefined;
    }
  }

  /**
   * Relays one command on the session's connection (held, or borrowed now),
   * then decides whether to keep it: pinned sessions keep it for good,
   * sessions in a transaction until it ends.
   */
  private async forward(packet: Packet, kind: ResponseKind, options: { pinning?: readonly PinningFinding[]; trackedChange?: boolean } = {}): Promise<void> {
    const lease = this.lease ?? this.ctx.pool.tryBorrowNow(this.borrowRequest()) ?? (await this.borrow());
    if (!lease) return;
    this.lease = lease;
    lease.onLost = this.databaseLost;
    if (!this.pinned && options.pinning !== undefined && options.pinning.length > 0) {
      const pinning = options.pinning.filter((f) => f.certainty === 'always');
      if (pinning.length > 0) this.pin(lease, pinning);
    }

    const started = process.hrtime.bigint();
    let outcome: RelayOutcome;
    this.relaying = lease;
    try {
      outcome = await lease.conn.relay(packet.raw, kind, this.stream);
    } catch (error) {
      if (!(error instanceof DatabaseConnectionLostError)) throw error;
      if (this.closed) throw new ClientClosedError('client left mid-request'); // onClose already dropped the connection
      // The statement was in flight: its outcome is unknown, so the client connection is closed (see README, "Failover").
      this.ctx.logger.warn('The client connection closed. Reason: its database connection was lost during a request.', {
        clientConnection: this.id,
        dbConnection: lease.conn.threadId,
      });
      this.lease = undefined;
      lease.release({ discard: true });
      throw new ClientClosedError('database connection lost mid-request');
    } finally {
      this.relaying = undefined;
    }
    this.ctx.metrics.responded(Number((process.hrtime.bigint() - started) / 1000n));
    if (outcome.localInfile) throw new ClientClosedError('LOCAL INFILE requested by the database');
    if (outcome.status >= 0) this.inTransaction = (outcome.status & Status.IN_TRANS) !== 0;
    lease.inTransaction = this.inTransaction;

    if (!this.pinned) {
      const autocommitSeen = outcome.status >= 0 && ((outcome.status & Status.AUTOCOMMIT) !== 0) !== ((this.status() & Status.AUTOCOMMIT) !== 0);
      if (options.trackedChange || autocommitSeen) {
        this.state = await this.ctx.tracked.snapshot(lease.conn);
        lease.state = this.state;
      }
      if (!this.inTransaction) {
        this.lease = undefined;
        lease.onLost = undefined;
        lease.release();
      }
    }
  }

  private pin(lease: Lease, findings: readonly PinningFinding[]): void {
    const first = findings[0];
    if (!first) return;
    this.pinned = true;
    lease.pinned = true;
    this.ctx.metrics.pinned(first.code);
    this.ctx.logger.warn(pinnedSessionMessage(lease.conn.threadId, first.code), {
      clientConnection: this.id,
      dbConnection: lease.conn.threadId,
      reasons: [...new Set(findings.map((f) => f.code))],
    });
  }

  /** The connection this session held between statements died: its session state (transaction, pinned state) is gone. */
  private readonly databaseLost = (): void => {
    if (this.relaying) return; // the relay's own failure handles it
    this.ctx.logger.warn('The client connection closed. Reason: the database connection holding its session state was lost.', {
      clientConnection: this.id,
    });
    this.lease = undefined;
    this.stream.destroy();
  };

  private async resetConnection(packet: Packet): Promise<void> {
    if (this.lease) {
      await this.forward(packet, 'single', { trackedChange: true });
      return;
    }
    this.state = this.ctx.tracked.initial(this.ctx.baseState, this.collationId, this.state.database);
    this.send(okPayload({ status: this.status() }));
  }

  /** COM_CHANGE_USER: authenticates again (any user of the registered secrets) and starts a fresh session. */
  private async changeUser(packet: Packet): Promise<void> {
    const cursor = new Cursor(packet.payload, 1);
    const user = cursor.nulString();
    const response = this.capabilities & Capability.SECURE_CONNECTION ? cursor.bytes(cursor.u8()) : Buffer.from(cursor.nulString('latin1'), 'latin1');
    const database = cursor.remaining > 0 ? cursor.nulString() || null : null;
    const collationId = cursor.remaining >= 2 ? cursor.u16() & 0xff : this.collationId;
    const plugin = cursor.remaining > 0 && this.capabilities & Capability.PLUGIN_AUTH ? cursor.nulString('latin1') : 'mysql_native_password';
    const held = this.lease;
    this.lease = undefined;
    this.pinned = false;
    this.inTransaction = false;
    held?.release({ reset: true });
    if (!(await this.authenticate({ user, response: Buffer.from(response), plugin, scramble: this.scramble }))) return;
    this.collationId = collationId;
    this.state = this.ctx.tracked.initial(this.ctx.baseState, collationId, database);
    const lease = await this.borrow();
    if (!lease) return;
    lease.release();
    this.send(okPayload({ status: this.status() }));
  }
}
