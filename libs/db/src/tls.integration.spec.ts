import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDbClient, type DbClientOptions } from './client';
import { staticCredentials } from './credentials';
import { DatabaseError } from './errors';

jest.setTimeout(90_000);

let dir: string;
let server: MysqlServer;
let caPem: string;

/** A private CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
function makeCertificates(at: string): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: at, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=serverless-app test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(at, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'server.pem');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serverless-app-tls-'));
  makeCertificates(dir);
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

const clientWith = (tls: DbClientOptions['tls']) =>
  createDbClient({
    host: server.host,
    port: server.port,
    database: server.database,
    credentials: staticCredentials({ username: server.app.user, password: server.app.password }),
    tls,
    pinning: 'off',
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, budgetMs: 1_000 },
  });

it('connects over verified TLS with the CA given', async () => {
  const db = clientWith({ ca: caPem });
  try {
    const [cipher] = await db.query<{ Value: string }>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");

    expect(cipher?.Value).not.toBe('');
  } finally {
    await db.close();
  }
});

it('refuses a server whose certificate does not chain to the trusted roots (the default Amazon bundle here)', async () => {
  const db = clientWith('verify');
  try {
    const error = await db.query('SELECT 1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('HANDSHAKE_SSL_ERROR');
    expect(String(((error as DatabaseError).cause as Error).message)).toMatch(/certificate|signature|issuer/i);
  } finally {
    await db.close();
  }
});

it('is plaintext by default on loopback, which a server requiring TLS rejects', async () => {
  const db = clientWith(undefined);
  try {
    await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseError);
  } finally {
    await db.close();
  }
});
