import * as v from 'valibot';
import { ValidationError } from './errors';

/** Largest page a list route serves. */
export const MAX_PAGE = 100;
/** Page size when the client does not ask for one. */
export const DEFAULT_PAGE = 20;

const pageRange = `must be from 1 to ${MAX_PAGE}`;

/**
 * The query string of a paged list: `limit` (1 to 100, default 20) and an
 * opaque `cursor` from a previous page. Anything else is rejected.
 *
 * @example
 * const query = validate(ListQuery, singleValuedQuery(event), 'invalid query string'); // { limit: 20, cursor: undefined }
 */
export const ListQuery = v.strictObject(
  {
    limit: v.optional(
      v.pipe(v.string(), v.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE}`), v.transform(Number), v.minValue(1, pageRange), v.maxValue(MAX_PAGE, pageRange)),
      String(DEFAULT_PAGE),
    ),
    cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,24}$/, 'is not a cursor from a previous page'))),
  },
  'only limit and cursor are accepted',
);
export type ListQueryInput = v.InferOutput<typeof ListQuery>;

/** One page of a list, and the cursor of the next page (`null` on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Opaque page cursor: the last id of the previous page, base64url-encoded.
 *
 * @example
 * encodeCursor(42); // 'NDI'
 */
export const encodeCursor = (lastId: number): string => Buffer.from(String(lastId), 'utf8').toString('base64url');

/**
 * The id a cursor stands for; a cursor this api did not make is a {@link ValidationError}.
 *
 * @example
 * decodeCursor('NDI'); // 42
 */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = Number(text);
  if (!/^[1-9]\d{0,15}$/.test(text) || !Number.isSafeInteger(id) || encodeCursor(id) !== cursor) {
    throw new ValidationError('invalid query string', [{ path: 'cursor', message: 'is not a cursor from a previous page' }]);
  }
  return id;
}

/**
 * One page in id order with one query: asks `fetch` for `limit + 1` rows after
 * the cursor's id, and the extra row (never returned) tells whether there is a
 * next page.
 *
 * @example
 * return pageById((afterId, n) => repo.listItems(db, afterId, n), query, toItem);
 */
export async function pageById<Row, T extends { id: number }>(
  fetch: (afterId: number, limit: number) => Promise<Row[]>,
  query: { limit: number; cursor?: string | undefined },
  map: (row: Row) => T,
): Promise<Page<T>> {
  const afterId = query.cursor ? decodeCursor(query.cursor) : 0;
  const rows = await fetch(afterId, query.limit + 1);
  const items = rows.slice(0, query.limit).map(map);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
}
