export { restApiEvent } from './rest-event';
export { httpApiEvent } from './http-api-event';
export { lambdaContext, type LambdaContextOptions } from './lambda-context';
export type { HttpEventOptions, MultiValueMap } from './shared';
