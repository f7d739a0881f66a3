import type { PinningFinding } from './finding';

/**
 * RDS Proxy pins on "any statement with a text size greater than 16 KB": a
 * statement of exactly 16,384 bytes does not pin, 16,385 bytes does.
 *
 * @example
 * Buffer.byteLength(sql, 'utf8') > MAX_UNPINNED_STATEMENT_BYTES; // would pin
 */
export const MAX_UNPINNED_STATEMENT_BYTES = 16 * 1024;

/**
 * The `statement-size` finding for a text over 16 KB, counted in UTF-8 bytes
 * (what goes over the wire), or `undefined`.
 *
 * @example
 * statementSizeFinding('é'.repeat(8193)); // 16,386 bytes → { code: 'statement-size', certainty: 'always', ... }
 * statementSizeFinding('SELECT 1'); // undefined
 */
export function statementSizeFinding(sql: string): PinningFinding | undefined {
  // Fast path: a UTF-16 string encodes to at most 3 UTF-8 bytes per code unit.
  if (sql.length * 3 <= MAX_UNPINNED_STATEMENT_BYTES) return undefined;
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes <= MAX_UNPINNED_STATEMENT_BYTES) return undefined;
  return {
    code: 'statement-size',
    certainty: 'always',
    message: `statement text is ${bytes} bytes, over the ${MAX_UNPINNED_STATEMENT_BYTES}-byte (16 KB) limit`,
  };
}
