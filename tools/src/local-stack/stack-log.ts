/**
 * Where the local stack reports what it does. The CLI writes to the terminal; tests collect lines.
 *
 * @example
 * const lines: string[] = [];
 * const log: StackLog = { info: (m) => lines.push(m), error: (m) => lines.push(m), request: () => undefined, proxy: () => undefined };
 */
export interface StackLog {
  info(message: string): void;
  error(message: string, ...details: Array<Record<string, unknown>>): void;
  /** One line per request the gateway answered. */
  request(message: string): void;
  /** What the local RDS Proxy says: its counters after a request, its own log lines (pins, failover). */
  proxy(message: string): void;
}
