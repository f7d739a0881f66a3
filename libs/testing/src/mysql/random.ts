import { randomBytes } from 'node:crypto';

/**
 * A fresh password from the OS CSPRNG (24 URL-safe characters, no quoting needed anywhere).
 *
 * @example
 * randomPassword(); // 'q3J0...'
 */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * A short random suffix for unique database and user names (lowercase hex).
 *
 * @example
 * `app_${randomSuffix()}`; // 'app_3f9a1c2b7d0e'
 */
export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}
