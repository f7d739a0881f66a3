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
