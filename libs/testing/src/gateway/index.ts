/**
 * A local API Gateway (REST API, Lambda proxy integration) in front of a handler, for tests and
 * the local stack, and SigV4 signing for the callers of its IAM-authorised routes.
 */
export { startLocalGateway } from './local-gateway';
export { GatewayIamOptionsError } from './iam-authorizer';
export { signedFetch, sigV4Headers, type SigV4RequestToSign, type SigV4SigningOptions } from './signed-fetch';
export type {
  GatewayAuth,
  GatewayCredential,
  GatewayIamOptions,
  GatewayInvoke,
  GatewayLogger,
  GatewayRequestRecord,
  GatewayRoute,
  LocalGateway,
  LocalGatewayOptions,
} from './types';
