/**
 * Local AWS Secrets Manager for tests: an endpoint the real SDK talks to, and a single-user rotation helper.
 */
export { startSecretsManager } from './server';
export { rotateSecret, RotationError } from './rotation';
export type { RotateSecretOptions, RotationResult, RotationStep } from './rotation';
export { generateRandomPassword } from './password';
export type { RandomPasswordOptions } from './password';
export { SecretsManagerError } from './errors';
export type {
  InjectedFailure,
  LocalClientConfig,
  LocalCredentials,
  SecretsManagerAction,
  SecretsManagerEndpoint,
  StartSecretsManagerOptions,
} from './types';
