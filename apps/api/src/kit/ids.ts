import { notFound } from './errors';

/** A positive integer that fits in a JavaScript number, written without sign, leading zeros or exponent. */
const POSITIVE_ID = /^[1-9]\d{0,15}$/;

/**
 * A record id from a path parameter. A malformed id (`abc`, `0`, `1.5`, too
 * large) names a record that cannot exist, so it is a {@link NotFoundError}
 * like an unknown id, not an input error.
 *
 * @example
 * const id = parseId(event.pathParameters?.['id'], 'item'); // 42, or NotFoundError('item abc does not exist')
 */
export function parseId(raw: string | undefined, what: string): number {
  const id = Number(raw);
  if (raw === undefined || !POSITIVE_ID.test(raw) || !Number.isSafeInteger(id)) throw notFound(what, raw ?? '');
  return id;
}
