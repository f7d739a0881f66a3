import type { ErrFields } from '../protocol/packets';

/**
 * The database answered with an ERR packet (at login, or to a statement the
 * proxy sent itself). Carries the server's fields, so the proxy can pass the
 * error on to a client intact.
 *
 * @example
 * if (error instanceof DatabaseServerError && error.fields.errno === 1045) refreshSecrets();
 */
export class DatabaseServerError extends Error {
  override readonly name = 'DatabaseServerError';

  constructor(readonly fields: ErrFields) {
    super(`database error ${fields.errno} (${fields.sqlState})`);
  }
}

/**
 * The connection to the database failed or was lost (refused, reset, closed,
 * timed out, or a protocol error), so whatever was in flight has an unknown
 * outcome.
 *
 * @example
 * if (error instanceof DatabaseConnectionLostError) closeClient();
 */
export class DatabaseConnectionLostError extends Error {
  override readonly name = 'DatabaseConnectionLostError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
