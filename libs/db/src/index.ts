export * from './client';
export * from './credentials';
export * from './errors';
export * from './logger';
export { isLoopback, resolveTls, type TlsOption } from './tls';
export type { RetryOptions } from './retry';
export * from './pinning';
export * from './migrations';
export { cachedTokenSource, type IamAuthOptions, type IamTokenSource, rdsIamTokenSource } from './iam-auth';
