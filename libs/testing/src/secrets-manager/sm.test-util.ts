import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startSecretsManager } from './server';
import type { SecretsManagerEndpoint, StartSecretsManagerOptions } from './types';

/** An SDK error as the client raises it: its `name` is the AWS error code. */
export type SdkError = Error & { $metadata: { httpStatusCode?: number } };

/** Runs `send` and returns the error it rejects with (fails the test if it resolves). */
export async function errorOf(send: Promise<unknown>): Promise<SdkError> {
  try {
    await send;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the request to fail');
}

/**
 * One local endpoint and one SDK client (no retries) for a test file, closed afterwards.
 * Read the fields inside tests.
 */
export function useSecretsManager(options?: StartSecretsManagerOptions) {
  const ctx = {} as { sm: SecretsManagerEndpoint; client: SecretsManagerClient };
  beforeAll(async () => {
    ctx.sm = await startSecretsManager(options);
    ctx.client = new SecretsManagerClient({ ...ctx.sm.clientConfig(), maxAttempts: 1 });
  });
  afterAll(async () => {
    ctx.client?.destroy();
    await ctx.sm?.close();
  });
  return ctx;
}
