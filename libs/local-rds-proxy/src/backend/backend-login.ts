import type { Socket } from 'node:net';
import { cachingSha2Token, CACHING_SHA2_PASSWORD, NATIVE_PASSWORD, nativePasswordToken, rsaEncryptedPassword, Sha2 } from '../protocol/auth';
import { Capability, Marker } from '../protocol/constants';
import { framePacket, type Packet } from '../protocol/framing';
import { handshakeResponsePayload, parseAuthSwitch, parseErr, parseGreeting, type ServerGreeting } from '../protocol/packets';
import { DatabaseConnectionLostError, DatabaseServerError } from './backend-errors';

/** Who the proxy logs in as, and how. */
export interface BackendLogin {
  readonly user: string;
  readonly password: string;
  readonly database?: string;
  /** Capabilities asked for (intersected with the server's). */
  readonly capabilities: number;
  /** Collation id for the connection; default: the server's. */
  readonly collationId?: number;
}

/** The result of a successful login. */
export interface LoggedIn {
  readonly greeting: ServerGreeting;
  readonly capabilities: number;
}

function authToken(plugin: string, password: string, scramble: Buffer): Buffer {
  if (plugin === CACHING_SHA2_PASSWORD) return cachingSha2Token(password, scramble);
  return nativePasswordToken(password, scramble);
}

/**
 * Logs in on a freshly opened socket, as a MySQL client does:
 * mysql_native_password or caching_sha2_password (fast path, or full
 * authentication with the server's RSA key, since the proxy talks to the
 * database without TLS), following AuthSwitchRequests. `next()` yields the
 * server's packets. Rejects with {@link DatabaseServerError} for an ERR
 * (1045 access denied, 1040 too many connections, 1049 unknown database, ...).
 *
 * @example
 * const { greeting, capabilities } = await logIn(socket, () => packets.next(), { user, password, capabilities: wanted });
 */
export async function logIn(socket: Socket, next: () => Promise<Packet>, login: BackendLogin): Promise<LoggedIn> {
  const hello = await next();
  if (hello.payload[0] === Marker.ERR) throw new DatabaseServerError(parseErr(hello.payload));
  const greeting = parseGreeting(hello.payload);
  const capabilities = (login.capabilities & greeting.capabilities) | Capability.LONG_PASSWORD | Capability.PROTOCOL_41;
  let plugin = greeting.authPlugin === CACHING_SHA2_PASSWORD ? CACHING_SHA2_PASSWORD : NATIVE_PASSWORD;
  let scramble = greeting.scramble;
  let sequenceId = 1;
  const send = (payload: Buffer): void => {
    const framed = framePacket(payload, sequenceId);
    sequenceId = framed.nextSequenceId;
    socket.write(framed.bytes);
  };
  send(
    handshakeResponsePayload({
      capabilities,
      collationId: login.collationId ?? greeting.collationId,
      user: login.user,
      authResponse: authToken(plugin, login.password, scramble),
      database: login.database,
      authPlugin: plugin,
      attributes: { _client_name: 'local-rds-proxy', program_name: 'local-rds-proxy' },
    }),
  );
  let awaitingKey = false;
  for (;;) {
    const packet = await next();
    sequenceId = (packet.sequenceId + 1) & 0xff;
    const payload = packet.payload;
    switch (payload[0]) {
      case Marker.OK:
        return { greeting, capabilities };
      case Marker.ERR:
        throw new DatabaseServerError(parseErr(payload));
      case Marker.EOF: {
        const change = parseAuthSwitch(payload);
        if (change.plugin !== NATIVE_PASSWORD && change.plugin !== CACHING_SHA2_PASSWORD) {
          throw new DatabaseConnectionLostError(`the database asked for the ${change.plugin} authentication plugin, which the proxy does not speak`);
        }
        plugin = change.plugin;
        scramble = change.data.subarray(0, 20);
        send(authToken(plugin, login.password, scramble));
        break;
      }
      case Marker.AUTH_MORE_DATA: {
        if (plugin !== CACHING_SHA2_PASSWORD) throw new DatabaseConnectionLostError('unexpected AuthMoreData during login');
        if (awaitingKey) {
          send(rsaEncryptedPassword(login.password, scramble, payload.subarray(1).toString('latin1')));
          awaitingKey = false;
        } else if (payload[1] === Sha2.PERFORM_FULL_AUTHENTICATION) {
          send(Buffer.from([Sha2.REQUEST_PUBLIC_KEY]));
          awaitingKey = true;
        } else if (payload[1] !== Sha2.FAST_AUTH_SUCCESS) {
          throw new DatabaseConnectionLostError('unexpected caching_sha2_password message during login');
        }
        break;
      }
      default:
        throw new DatabaseConnectionLostError('unexpected packet during login');
    }
  }
}
