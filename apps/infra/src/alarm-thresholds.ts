/**
 * Where each alarm of a stage fires. Each alarm compares one statistic over one window; the window and the
 * statistic are fixed in `constructs/monitoring.ts`, the level is the stage's (see `stages.ts`).
 */
export interface AlarmThresholds {
  /** API Gateway: the share of requests answered 5xx over 5 minutes, in percent, above which it alarms. */
  apiServerErrorPercent: number;
  /** API Gateway: p99 latency over 5 minutes, in ms, above which it alarms (below the gateway's 29 s). */
  apiLatencyP99Ms: number;
  /** Lambda: invocations that failed (unhandled error, timeout, crash) in 5 minutes, above which it alarms. */
  lambdaErrors: number;
  /** Lambda: throttled invocations in 5 minutes, above which it alarms. */
  lambdaThrottles: number;
  /** Lambda: p99 duration over 5 minutes, as a percentage of the function's timeout, above which it alarms. */
  lambdaDurationP99PercentOfTimeout: number;
  /** api metric: credential refreshes that failed in 5 minutes, above which it alarms. */
  credentialRefreshFailures: number;
  /** api metric: writes whose outcome is unknown in 5 minutes, above which it alarms. */
  statementOutcomeUnknown: number;
  /** RDS Proxy: consecutive minutes with a pinned session before it alarms. */
  proxyPinnedMinutes: number;
  /** RDS Proxy: average borrow latency over 5 minutes, in ms, above which it alarms (below the borrow timeout). */
  proxyBorrowLatencyMs: number;
  /** RDS Proxy: client logins refused in 5 minutes, above which it alarms. */
  proxyFailedAuths: number;
  /** RDS Proxy: the target's availability, in percent, below which it alarms (3 minutes running). */
  proxyAvailabilityPercent: number;
  /** RDS: average CPU over 15 minutes, in percent, above which it alarms. */
  databaseCpuPercent: number;
  /** RDS: free storage, in GiB, below which it alarms. */
  databaseFreeStorageGiB: number;
  /** RDS: connections, as a percentage of the instance class's `max_connections`, above which it alarms. */
  databaseConnectionsPercent: number;
}

/** What the thresholds are checked against. */
export interface ThresholdLimits {
  /** The proxy's borrow timeout, in ms. */
  borrowTimeoutMs: number;
  /** API Gateway's integration timeout, in ms. */
  apiGatewayTimeoutMs: number;
}

const COUNTS = ['lambdaErrors', 'lambdaThrottles', 'credentialRefreshFailures', 'statementOutcomeUnknown', 'proxyFailedAuths'] as const;
const PERCENTS = ['apiServerErrorPercent', 'lambdaDurationP99PercentOfTimeout', 'proxyAvailabilityPercent', 'databaseCpuPercent', 'databaseConnectionsPercent'] as const;

/**
 * Checks a stage's alarm thresholds, failing with the stage, the setting and the rule broken: counts are
 * integers ≥ 0, percentages within (0, 100], latencies positive and below the timeout they warn of.
 *
 * @example
 * checkAlarmThresholds('dev', STAGES.dev.alarms, { borrowTimeoutMs: 5000, apiGatewayTimeoutMs: 29_000 });
 */
export function checkAlarmThresholds(stage: string, thresholds: AlarmThresholds, limits: ThresholdLimits): AlarmThresholds {
  const fail = (key: keyof AlarmThresholds, rule: string) => new RangeError(`Stage ${stage}: alarms.${key} must be ${rule}, got ${String(thresholds[key])}`);
  for (const key of COUNTS) {
    if (!Number.isInteger(thresholds[key]) || thresholds[key] < 0) throw fail(key, 'an integer ≥ 0');
  }
  for (const key of PERCENTS) {
    if (!Number.isFinite(thresholds[key]) || thresholds[key] <= 0 || thresholds[key] > 100) throw fail(key, 'a percentage above 0 and at most 100');
  }
  if (!Number.isInteger(thresholds.proxyPinnedMinutes) || thresholds.proxyPinnedMinutes < 1 || thresholds.proxyPinnedMinutes > 60) throw fail('proxyPinnedMinutes', 'an integer from 1 to 60');
  if (!(thresholds.databaseFreeStorageGiB > 0)) throw fail('databaseFreeStorageGiB', 'positive');
  if (!(thresholds.proxyBorrowLatencyMs > 0 && thresholds.proxyBorrowLatencyMs < limits.borrowTimeoutMs)) {
    throw fail('proxyBorrowLatencyMs', `positive and below the proxy's borrow timeout (${limits.borrowTimeoutMs} ms)`);
  }
  if (!(thresholds.apiLatencyP99Ms > 0 && thresholds.apiLatencyP99Ms < limits.apiGatewayTimeoutMs)) {
    throw fail('apiLatencyP99Ms', `positive and below API Gateway's timeout (${limits.apiGatewayTimeoutMs} ms)`);
  }
  return thresholds;
}

/** A plain e-mail address: something@domain.tld, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks a stage's alarm e-mail address (or its absence).
 *
 * @example
 * checkAlarmEmail('prod', 'ops@example.com'); // 'ops@example.com'
 */
export function checkAlarmEmail(stage: string, email: string | undefined): string | undefined {
  if (email !== undefined && !EMAIL.test(email)) throw new RangeError(`Stage ${stage}: alarmEmail must be an e-mail address, got ${JSON.stringify(email)}`);
  return email;
}
