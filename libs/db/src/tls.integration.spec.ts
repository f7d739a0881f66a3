import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createDbClient, type DbClientOptions } from './client';
import { staticCredentials } from './credentials';
import { DatabaseError } from './errors';

jest.setTimeout(90_000);

let dir: string;
let server: MysqlServer;
let caPem: string;

/** The server certificates the tests switch between, each signed by the test CA; the value is its subjectAltName. */
const CERTIFICATES = {
  /** What a correctly set up local server presents. */
  right: 'IP:127.0.0.1,DNS:localhost',
  /** A valid certificate from the same CA, for some other server. */
  wrong: 'DNS:wrong.example',
  /** Names localhost but not its address. */
  dnsOnly: 'DNS:localhost',
} as const;
type CertificateName = keyof typeof CERTIFICATES;

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A private CA and one server certificate per entry of {@link CERTIFICATES}, made with the openssl CLI. */
function makeCertificates(): void {
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=serverless-app test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  for (const [name, san] of Object.entries(CERTIFICATES)) {
    const cn = san.split(',').find((entry) => entry.startsWith('DNS:'))?.slice(4) ?? name;
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    writeFileSync(join(dir, `${name}.cnf`), `subjectAltName=${san}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.cnf`, '-out', `${name}.pem`);
  }
}

/** Makes the server present another certificate from now on (MariaDB reloads its TLS files on FLUSH SSL). */
async function present(name: CertificateName): Promise<void> {
  copyFileSync(join(dir, `${name}.pem`), join(dir, 'server.pem'));
  copyFileSync(join(dir, `${name}.key`), join(dir, 'server.key'));
  await server.query('FLUSH SSL');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serverless-app-tls-'));
  makeCertificates();
  copyFileSync(join(dir, 'right.pem'), join(dir, 'server.pem'));
  copyFileSync(join(dir, 'right.key'), join(dir, 'server.key'));
  caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  server = await startMysql({
    serverFlags: {
      'ssl-ca': join(dir, 'ca.pem'),
      'ssl-cert': join(dir, 'server.pem'),
      'ssl-key': join(dir, 'server.key'),
    },
  });
  // As RDS Proxy with TLS required: the app user may only connect over TLS.
  await server.query("ALTER USER ?@'%' REQUIRE SSL", [server.app.user]);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const clientWith = (tls: DbClientOptions['tls'], host = server.host) =>
  createDbClient({
    host,
    port: server.port,
    database: server.database,
    credentials: staticCredentials({ username: server.app.user, password: server.app.password }),
    tls,
    pinning: 'off',
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, budgetMs: 1_000 },
  });

/** The cipher of a fresh TLS session, or the error that prevented it. */
async function connectTo(host: string, tls: DbClientOptions['tls'] | 'default' = { ca: caPem }): Promise<string | DatabaseError> {
  const db = clientWith(tls === 'default' ? undefined : tls, host);
  try {
    const [cipher] = await db.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    return cipher?.Value ?? '';
  } catch (error) {
    if (error instanceof DatabaseError) return error;
    throw error;
  } finally {
    await db.close();
  }
}

/** The reason Node gave for refusing the certificate's names. */
const identityFailure = (result: string | DatabaseError): string => {
  expect(result).toBeInstanceOf(DatabaseError);
  const error = result as DatabaseError;
  expect(error.code).toBe('HANDSHAKE_SSL_ERROR');
  return (error.cause as Error).message;
};

describe('server identity', () => {
  it('accepts a certificate that names the host connected to', async () => {
    await present('right');

    expect(await connectTo('localhost')).toMatch(/\w/);
  });

  it('refuses a certificate from the trusted CA that was issued for another name', async () => {
    await present('wrong');

    expect(identityFailure(await connectTo('localhost'))).toMatch(/Host: localhost\. is not in the cert's altnames: DNS:wrong\.example/);
  });

  it('refuses verified TLS to an IP address before connecting, whatever the certificate says', async () => {
    await present('right');

    expect(() => clientWith({ ca: caPem }, '127.0.0.1')).toThrow(
      new TypeError(
        'verified TLS needs the host name the certificate was issued for, not the IP address 127.0.0.1: mysql2 would check the certificate against "localhost" instead',
      ),
    );
  });

  // Why an IP address is refused: mysql2 3.24 sends no server name for one, and Node then checks the name
  // "localhost". If this starts failing, mysql2 checks addresses properly and the refusal can go.
  it('(driver) checks a certificate presented to an IP address against "localhost", not the address', async () => {
    await present('dnsOnly');
    const connection = await createConnection({
      host: '127.0.0.1',
      port: server.port,
      user: server.app.user,
      password: server.app.password,
      ssl: { ca: caPem, rejectUnauthorized: true, verifyIdentity: true },
    });
    try {
      const [[cipher]] = (await connection.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as unknown as [[{ Value: string }]];

      expect(cipher.Value).toMatch(/\w/);
    } finally {
      await connection.end();
    }
  });
});

it('refuses a server whose certificate does not chain to the trusted roots (the default Amazon bundle here)', async () => {
  await present('right');

  const result = await connectTo('localhost', 'verify');

  expect(result).toBeInstanceOf(DatabaseError);
  expect((result as DatabaseError).code).toBe('HANDSHAKE_SSL_ERROR');
  expect(String(((result as DatabaseError).cause as Error).message)).toMatch(/certificate|signature|issuer/i);
});

it('is plaintext by default on loopback, which a server requiring TLS rejects', async () => {
  const result = await connectTo(server.host, 'default');

  expect(result).toBeInstanceOf(DatabaseError);
  expect((result as DatabaseError).code).not.toBe('HANDSHAKE_SSL_ERROR');
});
