import { tlsFor } from './db';

describe('tlsFor', () => {
  it('verifies against the CA of DB_TLS_CA_FILE when one was read (the local RDS Proxy)', () => {
    expect(tlsFor({ dbTls: 'verify', dbTlsCa: ['-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----'] })).toEqual({
      ca: ['-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----'],
    });
  });

  it('is DB_TLS as is otherwise: the Amazon roots bundled in libs/db, or plaintext on loopback', () => {
    expect(tlsFor({ dbTls: 'verify', dbTlsCa: undefined })).toBe('verify');
    expect(tlsFor({ dbTls: 'off', dbTlsCa: undefined })).toBe('off');
  });
});
