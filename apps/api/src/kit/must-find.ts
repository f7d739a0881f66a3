import { notFound } from './errors';

/**
 * The row a lookup found, or a {@link NotFoundError} naming the record.
 *
 * @example
 * const row = mustFind(await repo.findItem(db, id), 'item', id); // NotFoundError('item 42 does not exist')
 */
export function mustFind<T>(row: T | undefined, what: string, id: unknown): T {
  if (row === undefined) throw notFound(what, id);
  return row;
}
