import { Capability } from './constants';
import { MalformedPacketError } from './cursor';
import {
  authSwitchPayload,
  errPayload,
  greetingPayload,
  handshakeResponsePayload,
  okPayload,
  parseAuthSwitch,
  parseErr,
  parseGreeting,
  parseHandshakeResponse,
  parseOk,
  SSL_REQUEST_LENGTH,
} from './packets';

const scramble = Buffer.from('abcdefghijklmnopqrst');

describe('packets', () => {
  it('writes a greeting that parses back', () => {
    const payload = greetingPayload({
      serverVersion: '10.11.19-MariaDB',
      connectionId: 0x01020304,
      scramble,
      capabilities: 0x8fffff,
      collationId: 45,
      status: 2,
      authPlugin: 'caching_sha2_password',
    });

    expect(parseGreeting(payload)).toEqual({
      protocolVersion: 10,
      serverVersion: '10.11.19-MariaDB',
      connectionId: 0x01020304,
      scramble,
      capabilities: 0x8fffff,
      collationId: 45,
      status: 2,
      authPlugin: 'caching_sha2_password',
    });
  });

  it('writes a handshake response that parses back', () => {
    const capabilities = Capability.PROTOCOL_41 | Capability.SECURE_CONNECTION | Capability.PLUGIN_AUTH | Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA | Capability.CONNECT_ATTRS;
    const payload = handshakeResponsePayload({
      capabilities,
      collationId: 224,
      user: 'app',
      authResponse: Buffer.alloc(20, 9),
      database: 'app_1',
      authPlugin: 'mysql_native_password',
      attributes: { _client_name: 'local-rds-proxy' },
    });

    expect(parseHandshakeResponse(payload)).toEqual({
      capabilities: capabilities | Capability.CONNECT_WITH_DB,
      maxPacketSize: 0x40000000,
      collationId: 224,
      sslRequest: false,
      user: 'app',
      authResponse: Buffer.alloc(20, 9),
      database: 'app_1',
      authPlugin: 'mysql_native_password',
    });
  });

  it('recognises an SSLRequest by its length', () => {
    const payload = Buffer.alloc(SSL_REQUEST_LENGTH);
    payload.writeUInt32LE(Capability.PROTOCOL_41 | Capability.SSL, 0);

    expect(parseHandshakeResponse(payload)).toMatchObject({ sslRequest: true, capabilities: Capability.PROTOCOL_41 | Capability.SSL });
  });

  it('refuses a truncated handshake response and a pre-4.1 client', () => {
    const old = Buffer.alloc(40);

    expect(() => parseHandshakeResponse(Buffer.alloc(3))).toThrow(MalformedPacketError);
    expect(() => parseHandshakeResponse(old)).toThrow(/protocol 4.1/);
  });

  it('round-trips OK, ERR and AuthSwitch payloads', () => {
    expect(parseOk(okPayload({ affectedRows: 70_000, lastInsertId: 5, status: 3, warnings: 1 }))).toEqual({
      affectedRows: 70_000,
      lastInsertId: 5,
      status: 3,
      warnings: 1,
    });
    expect(parseErr(errPayload({ errno: 9501, sqlState: 'HY000', message: 'Timed-out waiting to acquire database connection' }))).toEqual({
      errno: 9501,
      sqlState: 'HY000',
      message: 'Timed-out waiting to acquire database connection',
    });
    expect(parseAuthSwitch(authSwitchPayload('mysql_native_password', Buffer.concat([scramble, Buffer.from([0])])))).toEqual({
      plugin: 'mysql_native_password',
      data: Buffer.concat([scramble, Buffer.from([0])]),
    });
  });
});
