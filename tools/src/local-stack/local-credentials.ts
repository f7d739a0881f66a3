import { randomBytes, randomInt } from 'node:crypto';

/** The local stack's key pair for the IAM-authorised routes: generated at every start, gone on exit. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The characters of real access key ids after their 4-letter prefix (base32). */
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A fresh key pair shaped like a long-term IAM user key: a 20-character id `AKIALOCAL` + 11 random
 * characters (so it reads as local wherever it shows up), and a random 40-character secret.
 *
 * @example
 * generateLocalCredentials(); // { accessKeyId: 'AKIALOCAL4Q7ZK2MVB3XR', secretAccessKey: 'b3Jx...' }
 */
export function generateLocalCredentials(): LocalCredentials {
  const suffix = Array.from({ length: 11 }, () => KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)]).join('');
  return { accessKeyId: `AKIALOCAL${suffix}`, secretAccessKey: randomBytes(30).toString('base64') };
}

/**
 * The `curl --user` value for these credentials: `<access key id>:<secret>`.
 *
 * @example
 * curlUser({ accessKeyId: 'AKIALOCALEXAMPLE0001', secretAccessKey: 's' }); // 'AKIALOCALEXAMPLE0001:s'
 */
export function curlUser(credentials: LocalCredentials): string {
  return `${credentials.accessKeyId}:${credentials.secretAccessKey}`;
}
