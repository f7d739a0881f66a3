/**
 * A local API Gateway (REST API, Lambda proxy integration) in front of a handler, for tests and
 * the local stack.
 */
export { startLocalGateway } from './local-gateway';
export type {
  GatewayInvoke,
  GatewayLogger,
  GatewayRequestRecord,
  GatewayRoute,
  LocalGateway,
  LocalGatewayOptions,
} from './types';
