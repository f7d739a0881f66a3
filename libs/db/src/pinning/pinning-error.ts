import type { PinningFinding } from '@serverless-app/rds-proxy-rules';

/**
 * Thrown by a `strict` pinning guard for a statement that would pin the RDS
 * Proxy session. `findings` holds every reason found (including `may` ones);
 * the message lists them and never includes values from the statement.
 *
 * @example
 * try {
 *   guard.check('LOCK TABLES orders WRITE');
 * } catch (error) {
 *   if (error instanceof PinningError) error.findings[0]?.code; // 'lock-tables'
 * }
 */
export class PinningError extends Error {
  override readonly name = 'PinningError';
  /** Stable, for error mapping and log queries. */
  readonly code = 'RDS_PROXY_PINNING';
  readonly findings: readonly PinningFinding[];

  constructor(findings: readonly PinningFinding[]) {
    super(`Statement would pin the RDS Proxy session: ${findings.map((f) => `[${f.code}] ${f.message}`).join('; ')}`);
    this.findings = findings;
  }
}
