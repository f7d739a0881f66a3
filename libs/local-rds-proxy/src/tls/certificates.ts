import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The proxy's TLS material: a private CA and a server certificate it signed. */
export interface ProxyCertificates {
  /** The folder holding the files. */
  readonly dir: string;
  /** PEM file of the CA certificate: what clients trust. */
  readonly caFile: string;
  readonly caPem: string;
  /** The server certificate (PEM), for `DNS:localhost` and `IP:127.0.0.1`. */
  readonly certPem: string;
  /** The server key (PEM). */
  readonly keyPem: string;
  /** Removes the folder if it was made here (a caller's `dir` stays). */
  remove(): void;
}

/** Thrown when the certificates cannot be made (no `openssl` on PATH, ...). */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
}

/**
 * Makes a CA and a server certificate for `localhost` and `127.0.0.1` (EC
 * P-256, valid 30 days) with the `openssl` CLI — Node has no API to issue
 * X.509 certificates. The CA's private key is deleted once the server
 * certificate is signed, so nothing else can be signed by that CA. Files go
 * to `dir`, or a new private temp folder.
 *
 * @example
 * const certs = await createCertificates();
 * createConnection({ host: 'localhost', port, ssl: { ca: certs.caPem } });
 * certs.remove();
 */
export async function createCertificates(dir?: string): Promise<ProxyCertificates> {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'local-rds-proxy-tls-'));
  if (dir !== undefined) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const openssl = (...args: string[]) => run('openssl', args, { cwd: folder });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await openssl('req', '-x509', ...ec, '-days', '30', '-subj', '/CN=local-rds-proxy CA', '-keyout', 'ca.key', '-out', 'ca.pem');
    await openssl('req', ...ec, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
    writeFileSync(join(folder, 'server.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'server.cnf', '-out', 'server.pem');
  } catch (error) {
    if (dir === undefined) rmSync(folder, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new CertificateError(
      code === 'ENOENT' ? 'the openssl command is needed to make the proxy certificate; install OpenSSL or start the proxy with tls: false' : 'openssl failed to make the proxy certificate',
      { cause: error },
    );
  } finally {
    for (const file of ['ca.key', 'server.csr', 'server.cnf', 'ca.srl']) rmSync(join(folder, file), { force: true });
  }
  const caFile = join(folder, 'ca.pem');
  return {
    dir: folder,
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    certPem: readFileSync(join(folder, 'server.pem'), 'utf8'),
    keyPem: readFileSync(join(folder, 'server.key'), 'utf8'),
    remove: () => {
      if (dir === undefined) rmSync(folder, { recursive: true, force: true });
    },
  };
}
