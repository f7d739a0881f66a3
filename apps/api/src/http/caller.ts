import type { HttpEvent } from './route';

/**
 * The IAM caller API Gateway authenticated (`requestContext.identity.userArn`), or undefined on a public route.
 * Set by API Gateway only after it checked the SigV4 signature, so it can be trusted; never read from headers.
 *
 * @example
 * service.createItem(db, input, key, callerOf(event));
 */
export function callerOf(event: HttpEvent): string | undefined {
  const arn = event.requestContext?.identity?.userArn;
  return typeof arn === 'string' && arn !== '' ? arn : undefined;
}
