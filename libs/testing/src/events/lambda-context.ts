import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

/** Options for {@link lambdaContext}. */
export interface LambdaContextOptions {
  /** @default 'serverless-app-api' */
  functionName?: string;
  /** @default 256 */
  memoryLimitInMB?: number;
  /** Function timeout; `getRemainingTimeInMillis()` counts down from it. @default 10_000 */
  timeoutMs?: number;
  /** @default a random UUID */
  awsRequestId?: string;
  /** @default 'us-east-1' */
  region?: string;
}

/**
 * A Lambda `Context` whose `getRemainingTimeInMillis()` really counts down
 * from the configured timeout, as the Lambda runtime's does.
 *
 * @example
 * const context = lambdaContext({ timeoutMs: 3_000 });
 * const response = await handler(restApiEvent(), context);
 */
export function lambdaContext(options: LambdaContextOptions = {}): Context {
  const functionName = options.functionName ?? 'serverless-app-api';
  const region = options.region ?? 'us-east-1';
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is deprecated; return from the async handler instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 256),
    awsRequestId: options.awsRequestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
