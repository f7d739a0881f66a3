import { Capability, Marker } from './constants';
import { Cursor, lenencInt, MalformedPacketError } from './cursor';

/** An OK packet's fields. */
export interface OkFields {
  affectedRows?: number;
  lastInsertId?: number;
  status: number;
  warnings?: number;
  info?: string;
}

/**
 * The payload of an OK packet (protocol 4.1, without session tracking).
 *
 * @example
 * socket.write(framePacket(okPayload({ status: Status.AUTOCOMMIT }), 2).bytes);
 */
export function okPayload(fields: OkFields): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16LE(fields.status & 0xffff, 0);
  tail.writeUInt16LE(fields.warnings ?? 0, 2);
  return Buffer.concat([
    Buffer.from([Marker.OK]),
    lenencInt(fields.affectedRows ?? 0),
    lenencInt(fields.lastInsertId ?? 0),
    tail,
    Buffer.from(fields.info ?? '', 'utf8'),
  ]);
}

/** A server error as sent in an ERR packet. */
export interface ErrFields {
  errno: number;
  sqlState: string;
  message: string;
}

/**
 * The payload of an ERR packet (protocol 4.1: code, `#`, SQL state, message).
 *
 * @example
 * errPayload({ errno: 9501, sqlState: 'HY000', message: 'Timed-out waiting to acquire database connection' });
 */
export function errPayload(fields: ErrFields): Buffer {
  const head = Buffer.alloc(9);
  head[0] = Marker.ERR;
  head.writeUInt16LE(fields.errno, 1);
  head.write(`#${fields.sqlState.padEnd(5, '0').slice(0, 5)}`, 3, 'latin1');
  return Buffer.concat([head, Buffer.from(fields.message, 'utf8')]);
}

/** The payload of an EOF packet. */
export function eofPayload(status: number, warnings = 0): Buffer {
  const b = Buffer.alloc(5);
  b[0] = Marker.EOF;
  b.writeUInt16LE(warnings, 1);
  b.writeUInt16LE(status & 0xffff, 3);
  return b;
}

/** Reads an ERR payload (the caller checked the 0xff marker). */
export function parseErr(payload: Buffer): ErrFields {
  const cursor = new Cursor(payload, 1);
  const errno = cursor.u16();
  let sqlState = 'HY000';
  if (payload[cursor.offset] === 0x23 /* # */) {
    cursor.offset += 1;
    sqlState = cursor.bytes(5).toString('latin1');
  }
  return { errno, sqlState, message: cursor.rest().toString('utf8') };
}

/** Reads the status flags of an OK payload (the caller checked the 0x00 marker). */
export function parseOk(payload: Buffer): Required<Omit<OkFields, 'info'>> {
  const cursor = new Cursor(payload, 1);
  const affectedRows = cursor.lenencInt() ?? 0;
  const lastInsertId = cursor.lenencInt() ?? 0;
  return { affectedRows, lastInsertId, status: cursor.u16(), warnings: cursor.remaining >= 2 ? cursor.u16() : 0 };
}

/** What the proxy says in its greeting. */
export interface GreetingFields {
  serverVersion: string;
  connectionId: number;
  /** 20 random bytes, none of them 0. */
  scramble: Buffer;
  capabilities: number;
  collationId: number;
  status: number;
  authPlugin: string;
}

/**
 * The payload of the initial handshake (Protocol::HandshakeV10).
 *
 * @example
 * greetingPayload({ serverVersion: '8.0.36', connectionId: 7, scramble, capabilities, collationId: 255, status: 2, authPlugin: 'caching_sha2_password' });
 */
export function greetingPayload(fields: GreetingFields): Buffer {
  const fixed = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
  fixed.writeUInt32LE(fields.connectionId >>> 0, 0);
  fields.scramble.copy(fixed, 4, 0, 8);
  // fixed[12]: filler 0
  fixed.writeUInt16LE(fields.capabilities & 0xffff, 13);
  fixed[15] = fields.collationId & 0xff;
  fixed.writeUInt16LE(fields.status & 0xffff, 16);
  fixed.writeUInt16LE((fields.capabilities >>> 16) & 0xffff, 18);
  fixed[20] = fields.scramble.length + 1;
  // 10 reserved bytes stay zero
  return Buffer.concat([
    Buffer.from([10]),
    Buffer.from(`${fields.serverVersion}\0`, 'utf8'),
    fixed,
    fields.scramble.subarray(8),
    Buffer.from([0]),
    Buffer.from(`${fields.authPlugin}\0`, 'latin1'),
  ]);
}

/** A server's greeting, as a client reads it. */
export interface ServerGreeting {
  protocolVersion: number;
  serverVersion: string;
  connectionId: number;
  scramble: Buffer;
  capabilities: number;
  collationId: number;
  status: number;
  authPlugin: string;
}

/** Reads a server's Protocol::HandshakeV10. */
export function parseGreeting(payload: Buffer): ServerGreeting {
  const cursor = new Cursor(payload);
  const protocolVersion = cursor.u8();
  if (protocolVersion !== 10) throw new MalformedPacketError(`unsupported handshake protocol ${protocolVersion}`);
  const serverVersion = cursor.nulString();
  const connectionId = cursor.u32();
  const part1 = cursor.bytes(8);
  cursor.u8();
  const capsLow = cursor.u16();
  const collationId = cursor.u8();
  const status = cursor.u16();
  const capsHigh = cursor.u16();
  const capabilities = (capsLow | (capsHigh << 16)) >>> 0;
  const authDataLength = cursor.u8();
  cursor.bytes(10);
  let part2: Buffer = Buffer.alloc(0);
  if (capabilities & Capability.SECURE_CONNECTION) {
    part2 = cursor.bytes(Math.max(13, authDataLength - 8));
  }
  const authPlugin = capabilities & Capability.PLUGIN_AUTH ? cursor.nulString('latin1') : 'mysql_native_password';
  // The scramble is 20 bytes; part 2 carries a trailing NUL.
  const scramble = Buffer.concat([part1, part2]).subarray(0, 20);
  return { protocolVersion, serverVersion, connectionId, scramble: Buffer.from(scramble), capabilities, collationId, status, authPlugin };
}

/** What a client sends in its Protocol::HandshakeResponse41 (or SSLRequest, which stops after the filler). */
export interface HandshakeResponse {
  capabilities: number;
  maxPacketSize: number;
  collationId: number;
  /** `true` for an SSLRequest: the fixed part only, with CLIENT_SSL. */
  sslRequest: boolean;
  user: string;
  authResponse: Buffer;
  database: string | undefined;
  authPlugin: string | undefined;
}

/** The length of an SSLRequest payload. */
export const SSL_REQUEST_LENGTH = 32;

/** Reads a client's HandshakeResponse41, or an SSLRequest. */
export function parseHandshakeResponse(payload: Buffer): HandshakeResponse {
  const cursor = new Cursor(payload);
  const capabilities = cursor.u32();
  if (!(capabilities & Capability.PROTOCOL_41)) throw new MalformedPacketError('clients older than protocol 4.1 are not supported');
  const maxPacketSize = cursor.u32();
  const collationId = cursor.u8();
  cursor.bytes(23);
  if (payload.length === SSL_REQUEST_LENGTH) {
    return { capabilities, maxPacketSize, collationId, sslRequest: true, user: '', authResponse: Buffer.alloc(0), database: undefined, authPlugin: undefined };
  }
  const user = cursor.nulString();
  let authResponse: Buffer;
  if (capabilities & Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA) {
    authResponse = cursor.lenencBytes() ?? Buffer.alloc(0);
  } else if (capabilities & Capability.SECURE_CONNECTION) {
    authResponse = cursor.bytes(cursor.u8());
  } else {
    authResponse = Buffer.from(cursor.nulString('latin1'), 'latin1');
  }
  let database: string | undefined;
  if (capabilities & Capability.CONNECT_WITH_DB && cursor.remaining > 0) {
    database = cursor.nulString();
    if (database === '') database = undefined;
  }
  let authPlugin: string | undefined;
  if (capabilities & Capability.PLUGIN_AUTH && cursor.remaining > 0) authPlugin = cursor.nulString('latin1');
  return { capabilities, maxPacketSize, collationId, sslRequest: false, user, authResponse: Buffer.from(authResponse), database, authPlugin };
}

/** What the proxy sends as a client of the database. */
export interface HandshakeResponseFields {
  capabilities: number;
  collationId: number;
  user: string;
  authResponse: Buffer;
  database?: string;
  authPlugin: string;
  attributes?: Record<string, string>;
}

/** The payload of a HandshakeResponse41. */
export function handshakeResponsePayload(fields: HandshakeResponseFields): Buffer {
  const head = Buffer.alloc(32);
  let capabilities = fields.capabilities;
  if (fields.database) capabilities |= Capability.CONNECT_WITH_DB;
  else capabilities &= ~Capability.CONNECT_WITH_DB;
  head.writeUInt32LE(capabilities >>> 0, 0);
  head.writeUInt32LE(0x40000000, 4);
  head[8] = fields.collationId & 0xff;
  const parts: Buffer[] = [head, Buffer.from(`${fields.user}\0`, 'utf8'), lenencInt(fields.authResponse.length), fields.authResponse];
  if (fields.database) parts.push(Buffer.from(`${fields.database}\0`, 'utf8'));
  parts.push(Buffer.from(`${fields.authPlugin}\0`, 'latin1'));
  if (capabilities & Capability.CONNECT_ATTRS) {
    const pairs = Object.entries(fields.attributes ?? {}).flatMap(([k, v]) => {
      const key = Buffer.from(k, 'utf8');
      const value = Buffer.from(v, 'utf8');
      return [lenencInt(key.length), key, lenencInt(value.length), value];
    });
    const body = Buffer.concat(pairs);
    parts.push(lenencInt(body.length), body);
  }
  return Buffer.concat(parts);
}

/** The payload of an AuthSwitchRequest: switch to `plugin` with this data. */
export function authSwitchPayload(plugin: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([Marker.EOF]), Buffer.from(`${plugin}\0`, 'latin1'), data]);
}

/** Reads an AuthSwitchRequest (the caller checked the 0xfe marker). */
export function parseAuthSwitch(payload: Buffer): { plugin: string; data: Buffer } {
  const cursor = new Cursor(payload, 1);
  const plugin = cursor.nulString('latin1');
  return { plugin, data: Buffer.from(cursor.rest()) };
}

/** The payload of an AuthMoreData packet. */
export function authMoreDataPayload(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([Marker.AUTH_MORE_DATA]), data]);
}

/** The payload of a command with a byte string argument (COM_QUERY, COM_INIT_DB, ...). */
export function commandPayload(command: number, argument: string | Buffer = Buffer.alloc(0)): Buffer {
  const body = typeof argument === 'string' ? Buffer.from(argument, 'utf8') : argument;
  const payload = Buffer.allocUnsafe(1 + body.length);
  payload[0] = command;
  body.copy(payload, 1);
  return payload;
}
