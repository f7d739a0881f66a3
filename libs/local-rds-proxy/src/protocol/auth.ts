import { constants, createHash, publicEncrypt, randomBytes, timingSafeEqual } from 'node:crypto';

/** The authentication plugins the proxy speaks. */
export const NATIVE_PASSWORD = 'mysql_native_password';
export const CACHING_SHA2_PASSWORD = 'caching_sha2_password';

/** caching_sha2_password's AuthMoreData bytes. */
export const Sha2 = {
  REQUEST_PUBLIC_KEY: 0x02,
  FAST_AUTH_SUCCESS: 0x03,
  PERFORM_FULL_AUTHENTICATION: 0x04,
} as const;

function hash(algorithm: 'sha1' | 'sha256', ...parts: Buffer[]): Buffer {
  const h = createHash(algorithm);
  for (const part of parts) h.update(part);
  return h.digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i += 1) out[i] = (a[i] ?? 0) ^ (b[i % b.length] ?? 0);
  return out;
}

/**
 * A 20-byte scramble for a greeting or an AuthSwitchRequest: random bytes
 * from 1 to 127 (never 0, which would end the NUL-terminated part).
 *
 * @example
 * const scramble = newScramble();
 */
export function newScramble(): Buffer {
  const bytes = randomBytes(20);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = ((bytes[i] ?? 0) % 127) + 1;
  return bytes;
}

/**
 * mysql_native_password's answer to `scramble`:
 * `SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password)))`; empty for an empty password.
 *
 * @example
 * nativePasswordToken('secret', scramble).length; // 20
 */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = hash('sha1', Buffer.from(password, 'utf8'));
  const stage2 = hash('sha1', stage1);
  return xor(stage1, hash('sha1', scramble.subarray(0, 20), stage2));
}

/**
 * caching_sha2_password's fast-path answer to `scramble`:
 * `SHA256(password) XOR SHA256(SHA256(SHA256(password)) + scramble)`; empty for an empty password.
 *
 * @example
 * cachingSha2Token('secret', scramble).length; // 32
 */
export function cachingSha2Token(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = hash('sha256', Buffer.from(password, 'utf8'));
  const stage2 = hash('sha256', stage1);
  return xor(stage1, hash('sha256', stage2, scramble.subarray(0, 20)));
}

/**
 * Whether `received` equals `expected`, in constant time for equal lengths.
 *
 * @example
 * sameBytes(response, nativePasswordToken(password, scramble));
 */
export function sameBytes(received: Buffer, expected: Buffer): boolean {
  return received.length === expected.length && (received.length === 0 || timingSafeEqual(received, expected));
}

/**
 * The password for a server's RSA key, as caching_sha2_password sends it over
 * an unencrypted connection: `(password + NUL) XOR scramble`, RSA-OAEP (SHA-1).
 *
 * @example
 * const blob = rsaEncryptedPassword(password, scramble, pemFromServer);
 */
export function rsaEncryptedPassword(password: string, scramble: Buffer, publicKeyPem: string): Buffer {
  const plain = xor(Buffer.from(`${password}\0`, 'utf8'), scramble.subarray(0, 20));
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, plain);
}
