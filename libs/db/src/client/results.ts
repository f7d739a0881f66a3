import { DatabaseError } from '../errors';
import type { WriteResult } from './types';

/** The rows of a statement run with `query()`. */
export function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  throw new DatabaseError('query() expects a statement that returns rows; use run() for writes');
}

/** The OK packet of a statement run with `run()`. */
export function okPacketOf(result: unknown): WriteResult {
  if (Array.isArray(result) || typeof result !== 'object' || result === null) {
    throw new DatabaseError('run() expects a statement that returns no rows; use query() for reads');
  }
  const ok = result as Partial<WriteResult>;
  return {
    affectedRows: ok.affectedRows ?? 0,
    insertId: Number(ok.insertId ?? 0),
    changedRows: ok.changedRows ?? 0,
    warningStatus: ok.warningStatus ?? 0,
  };
}
