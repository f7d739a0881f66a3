/**
 * The api's own CloudWatch metrics, named once: the api emits them (Powertools Metrics, EMF) and the CDK app
 * alarms on them and charts them, reading this contract from the api's build output (`routes.json`'s `metrics`).
 *
 * Every metric has the dimensions `service` and `stage` (nothing else), so an alarm names exactly one series;
 * `Requests` is also emitted with `route` and `statusClass` for the dashboard (a second series, never alarmed on).
 */
export const API_METRICS_CONTRACT = {
  namespace: 'ServerlessApp',
  service: 'api',
  /** Dimension names on every metric, in this order. */
  dimensions: ['service', 'stage'],
  /** Extra dimensions of the per-route `Requests` series. */
  routeDimensions: ['route', 'statusClass'],
  metrics: {
    /** Requests answered (summed over up to `METRICS_FLUSH_MS`). */
    Requests: 'Count',
    /** Invocations that ran the environment's init. */
    ColdStart: 'Count',
    /** Credentials re-read because the database refused them (1045), or refreshed for an IAM token. */
    CredentialRefreshes: 'Count',
    /** Credential refreshes that failed or did not help (the database still refused them). */
    CredentialRefreshFailures: 'Count',
    /** Background Secrets Manager refreshes that failed (the last good secret kept serving). */
    SecretRefreshFailures: 'Count',
    /** Reads replayed on a fresh connection after a transient failure. */
    ReadsReplayed: 'Count',
    /** Pooled connections found dead and replaced before use. */
    StaleConnectionsReplaced: 'Count',
    /** Writes whose outcome is unknown (the connection died after the statement was sent). */
    StatementOutcomeUnknown: 'Count',
    /** Time requests waited for a pooled connection, summed (divide by `Requests` for the mean). */
    PoolWaitMs: 'Milliseconds',
  },
} as const;

/** The name of one of the api's metrics. */
export type ApiMetricName = keyof typeof API_METRICS_CONTRACT.metrics;
