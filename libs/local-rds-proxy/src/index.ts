export { startLocalRdsProxy } from './start-local-rds-proxy';
export type { LocalRdsProxy, ProxyFaults } from './start-local-rds-proxy';
export type { LocalRdsProxyOptions } from './options';
export type { ProxyMetricsSnapshot } from './metrics/metrics';
export type { ProxyLogger } from './logger';
export { silentProxyLogger } from './logger';
export type { ClientPasswordAuthType, SecretRegistration } from './secrets/secret-registry';
export { CLIENT_PASSWORD_AUTH_TYPES } from './secrets/secret-registry';
export { BORROW_TIMEOUT_MESSAGE } from './protocol/constants';
