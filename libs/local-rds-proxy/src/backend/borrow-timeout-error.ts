/**
 * No database connection could be lent within the borrow timeout (or a fault
 * forced it). Reaches the client as RDS Proxy's `ERROR 9501 (HY000):
 * Timed-out waiting to acquire database connection`.
 *
 * @example
 * if (error instanceof BorrowTimeoutError) sendError(client, BORROW_TIMEOUT);
 */
export class BorrowTimeoutError extends Error {
  override readonly name = 'BorrowTimeoutError';

  constructor(readonly waitedMs: number) {
    super(`no database connection within ${waitedMs} ms`);
  }
}
