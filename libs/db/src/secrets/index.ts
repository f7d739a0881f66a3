export { CredentialsUnavailableError, type SecretFailure, type SecretStage, SecretsManagerFetchError } from './errors';
export { SECRETS_DEFAULTS, type SecretsManagerClientConfig, type SecretsManagerCredentialsOptions } from './options';
export type { SecretsManagerCredentialsStats } from './secret-cache';
export { type SecretsManagerCredentials, secretsManagerCredentials } from './secrets-manager-credentials';
