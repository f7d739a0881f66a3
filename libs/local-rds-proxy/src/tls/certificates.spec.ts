import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createCertificates } from './certificates';

describe('createCertificates', () => {
  it('makes a CA and a server certificate for localhost and 127.0.0.1, and keeps no CA key', async () => {
    const certs = await createCertificates();
    try {
      const ca = new X509Certificate(certs.caPem);
      const server = new X509Certificate(certs.certPem);

      expect(server.verify(ca.publicKey)).toBe(true);
      expect(server.checkHost('localhost')).toBe('localhost');
      expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(server.checkHost('example.com')).toBeUndefined();
      expect(ca.ca).toBe(true);
      expect(readdirSync(certs.dir).sort()).toEqual(['ca.pem', 'server.key', 'server.pem']);
    } finally {
      certs.remove();
    }
    expect(existsSync(certs.dir)).toBe(false);
  });
});
