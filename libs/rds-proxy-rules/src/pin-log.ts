import type { PinningCode } from './finding';

/**
 * The reason RDS Proxy gives in its log for one kind of pinning, and whether
 * that wording is known from RDS Proxy's own logs.
 *
 * @example
 * const { reason, documented } = PIN_LOG_REASONS['session-variable'];
 */
export interface PinLogReason {
  /** The text after `Reason: ` in the pinning log line. */
  readonly reason: string;
  /**
   * `true`: RDS Proxy logs exactly this (seen in its enhanced-logging output
   * as published by users; AWS does not document the full list). `false`: no
   * public source gives the wording for this case; this is the nearest
   * wording, in the style of the known lines.
   */
  readonly documented: boolean;
}

/**
 * The reason RDS Proxy (MySQL engine family) logs when it pins a session, per
 * {@link PinningCode}. The known line is
 * `Reason: SQL changed session settings that the proxy doesn't track. Consider
 * moving session configuration to the proxy's initialization query.`, logged
 * for SET statements it does not track (it then adds `Digest: "<statement with
 * values replaced>"`, which is left out here: nothing here logs SQL text).
 * The PostgreSQL family's `A parse message was detected.` (extended-protocol
 * prepare) shows the style of the others; for the MySQL cases below marked
 * `documented: false` no public source gives the exact words.
 *
 * @example
 * PIN_LOG_REASONS['prepared-statement'].reason; // 'A prepared statement was detected.'
 */
export const PIN_LOG_REASONS: Readonly<Record<PinningCode, PinLogReason>> = {
  'session-variable': {
    reason: "SQL changed session settings that the proxy doesn't track. Consider moving session configuration to the proxy's initialization query.",
    documented: true,
  },
  // Assigning a user variable, a next-transaction characteristic or global
  // state is a SET the proxy does not track either; RDS Proxy's logs for these
  // are not published, so they share the documented SET reason.
  'user-variable': {
    reason: "SQL changed session settings that the proxy doesn't track. Consider moving session configuration to the proxy's initialization query.",
    documented: false,
  },
  'transaction-characteristics': {
    reason: "SQL changed session settings that the proxy doesn't track. Consider moving session configuration to the proxy's initialization query.",
    documented: false,
  },
  'global-variable': {
    reason: "SQL changed session settings that the proxy doesn't track. Consider moving session configuration to the proxy's initialization query.",
    documented: false,
  },
  'statement-size': { reason: 'The SQL statement was larger than 16384 bytes.', documented: false },
  'prepared-statement': { reason: 'A prepared statement was detected.', documented: false },
  'lock-tables': { reason: 'A table lock was detected.', documented: false },
  'get-lock': { reason: 'A named lock (GET_LOCK) was detected.', documented: false },
  'temporary-table': { reason: 'A temporary table was created.', documented: false },
  'multi-statement': { reason: 'A multi-statement query was detected.', documented: false },
  'last-insert-id': { reason: 'The session used LAST_INSERT_ID().', documented: false },
  'found-rows': { reason: 'The session used FOUND_ROWS().', documented: false },
  'row-count': { reason: 'The session used ROW_COUNT().', documented: false },
  'session-state': { reason: 'The session holds state the proxy does not track.', documented: false },
};

/**
 * The line RDS Proxy logs (at WARN) when it pins a client session, as its
 * enhanced logging words it: `The client session was pinned to the database
 * connection [dbConnection=<id>] for the remainder of the session. The proxy
 * can't reuse this connection until the session ends. Reason: <reason>`.
 *
 * @example
 * pinnedSessionMessage(17, 'get-lock');
 * // "The client session was pinned to the database connection [dbConnection=17] for the remainder of the
 * //  session. The proxy can't reuse this connection until the session ends. Reason: A named lock (GET_LOCK) was detected."
 */
export function pinnedSessionMessage(dbConnection: number | string, code: PinningCode): string {
  return (
    `The client session was pinned to the database connection [dbConnection=${dbConnection}] for the remainder of the session. ` +
    `The proxy can't reuse this connection until the session ends. Reason: ${PIN_LOG_REASONS[code].reason}`
  );
}
