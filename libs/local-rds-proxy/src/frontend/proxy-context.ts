import type { SecureContext } from 'node:tls';
import type { ConnectionPool } from '../backend/pool';
import type { SessionValues, TrackedState } from '../backend/session-state';
import type { ProxyLogger } from '../logger';
import type { ProxyMetrics } from '../metrics/metrics';
import type { ClientPasswordAuthType, SecretRegistry } from '../secrets/secret-registry';

/** What every client session shares: the proxy's settings and parts. */
export interface ProxyContext {
  readonly pool: ConnectionPool;
  readonly secrets: SecretRegistry;
  readonly tracked: TrackedState;
  /** The state of a fresh database connection (server defaults). */
  readonly baseState: SessionValues;
  /** The database's greeting version string, shown to clients as is. */
  readonly serverVersion: string;
  /** The database's default collation id, shown in the greeting. */
  readonly serverCollationId: number;
  /** Set when TLS is offered. */
  readonly secureContext: SecureContext | undefined;
  readonly requireTls: boolean;
  readonly defaultAuthType: ClientPasswordAuthType;
  readonly borrowTimeoutMs: number;
  readonly idleClientTimeoutMs: number;
  readonly metrics: ProxyMetrics;
  readonly logger: ProxyLogger;
}
