import { type AlarmThresholds, checkAlarmEmail, checkAlarmThresholds } from './alarm-thresholds';
import { API_GATEWAY_TIMEOUT } from './serverless-app-stack';
import { STAGES } from './stages';
import { testApp } from './test-app.test-util';

const limits = { borrowTimeoutMs: 5_000, apiGatewayTimeoutMs: API_GATEWAY_TIMEOUT.toMilliseconds() };

describe('checkAlarmThresholds', () => {
  it.each(Object.values(STAGES).map((s) => [s.name, s] as const))('accepts the %s stage\'s thresholds', (_name, stage) => {
    expect(checkAlarmThresholds(stage.name, stage.alarms, limits)).toBe(stage.alarms);
  });

  it('makes prod stricter than dev wherever the two differ', () => {
    const { dev, prod } = { dev: STAGES.dev.alarms, prod: STAGES.prod.alarms };

    expect(prod.apiServerErrorPercent).toBeLessThan(dev.apiServerErrorPercent);
    expect(prod.apiLatencyP99Ms).toBeLessThan(dev.apiLatencyP99Ms);
    expect(prod.proxyBorrowLatencyMs).toBeLessThan(dev.proxyBorrowLatencyMs);
    expect(prod.proxyAvailabilityPercent).toBeGreaterThan(dev.proxyAvailabilityPercent);
    expect(prod.lambdaThrottles).toBe(0);
  });

  it.each<[keyof AlarmThresholds, number, RegExp]>([
    ['lambdaErrors', -1, /alarms\.lambdaErrors must be an integer ≥ 0, got -1/],
    ['lambdaThrottles', 0.5, /alarms\.lambdaThrottles must be an integer ≥ 0/],
    ['proxyFailedAuths', Number.NaN, /alarms\.proxyFailedAuths must be an integer ≥ 0, got NaN/],
    ['credentialRefreshFailures', 1.5, /credentialRefreshFailures must be an integer/],
    ['statementOutcomeUnknown', -2, /statementOutcomeUnknown must be an integer/],
    ['apiServerErrorPercent', 0, /apiServerErrorPercent must be a percentage above 0 and at most 100, got 0/],
    ['databaseCpuPercent', 101, /databaseCpuPercent must be a percentage/],
    ['proxyAvailabilityPercent', Number.POSITIVE_INFINITY, /proxyAvailabilityPercent must be a percentage/],
    ['lambdaDurationP99PercentOfTimeout', 120, /lambdaDurationP99PercentOfTimeout must be a percentage/],
    ['databaseConnectionsPercent', -5, /databaseConnectionsPercent must be a percentage/],
    ['proxyPinnedMinutes', 0, /proxyPinnedMinutes must be an integer from 1 to 60/],
    ['proxyPinnedMinutes', 61, /proxyPinnedMinutes must be an integer from 1 to 60/],
    ['databaseFreeStorageGiB', 0, /databaseFreeStorageGiB must be positive/],
    ['proxyBorrowLatencyMs', 5_000, /proxyBorrowLatencyMs must be positive and below the proxy's borrow timeout \(5000 ms\), got 5000/],
    ['proxyBorrowLatencyMs', 0, /proxyBorrowLatencyMs must be positive/],
    ['apiLatencyP99Ms', 29_000, /apiLatencyP99Ms must be positive and below API Gateway's timeout \(29000 ms\)/],
    ['apiLatencyP99Ms', -1, /apiLatencyP99Ms must be positive/],
  ])('rejects %s = %p, naming the stage and the rule', (key, value, message) => {
    expect(() => checkAlarmThresholds('dev', { ...STAGES.dev.alarms, [key]: value }, limits)).toThrow(message);
    expect(() => checkAlarmThresholds('dev', { ...STAGES.dev.alarms, [key]: value }, limits)).toThrow(/^Stage dev: /);
  });

  it('is applied at synth', () => {
    expect(() => testApp('dev', { overrides: { alarms: { ...STAGES.dev.alarms, proxyBorrowLatencyMs: 6_000 } } })).toThrow(/Stage dev: alarms\.proxyBorrowLatencyMs must be positive and below/);
  });
});

describe('checkAlarmEmail', () => {
  it('accepts an address or none', () => {
    expect(checkAlarmEmail('prod', 'ops@example.com')).toBe('ops@example.com');
    expect(checkAlarmEmail('prod', undefined)).toBeUndefined();
  });

  it.each([[''], ['ops'], ['ops@example'], ['ops @example.com'], ['@example.com']])('rejects %j', (email) => {
    expect(() => checkAlarmEmail('prod', email)).toThrow(`Stage prod: alarmEmail must be an e-mail address, got ${JSON.stringify(email)}`);
  });

  it('is applied at synth', () => {
    expect(() => testApp('dev', { overrides: { alarmEmail: 'not-an-address' } })).toThrow(/Stage dev: alarmEmail must be an e-mail address/);
  });
});
