import { createHash } from 'node:crypto';

/**
 * SHA-256 (hex) of the JSON of what identifies a request, to tell a retry
 * (same key, same request) from a reuse of the key (same key, another request).
 * Pass a value whose JSON is stable: an array of the fields in a fixed order.
 *
 * @example
 * requestHash(['first', null]); // '6f1c…' (64 hex digits)
 */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request) ?? 'undefined').digest('hex');
}
