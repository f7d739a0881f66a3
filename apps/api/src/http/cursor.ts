import { invalidInput } from './http-error';

/** Opaque page cursor: the last id of the previous page, base64url-encoded. */
export const encodeCursor = (lastId: number): string => Buffer.from(String(lastId), 'utf8').toString('base64url');

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = Number(text);
  if (!/^[1-9]\d{0,15}$/.test(text) || !Number.isSafeInteger(id) || encodeCursor(id) !== cursor) {
    throw invalidInput('invalid query string', [{ path: 'cursor', message: 'is not a cursor from a previous page' }]);
  }
  return id;
}
