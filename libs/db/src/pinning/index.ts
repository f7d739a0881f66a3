export type { DbLogger } from './db-logger';
export { processWarningLogger } from './db-logger';
export type { FindPinningOptions, PinningCertainty, PinningCode, PinningFinding } from '@serverless-app/rds-proxy-rules';
export { findPinningReasons, MAX_UNPINNED_STATEMENT_BYTES, PINNING_CODES } from '@serverless-app/rds-proxy-rules';
export { PinningError } from './pinning-error';
export type { PinningGuard, PinningGuardOptions, PinningStats } from './pinning-guard';
export { createPinningGuard, PINNING_WARNING_MESSAGE } from './pinning-guard';
export type { PinningMode } from './pinning-mode';
export { defaultPinningMode, PINNING_GUARD_ENV, PINNING_MODES, PinningConfigError } from './pinning-mode';
