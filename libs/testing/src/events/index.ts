export { restApiEvent } from './rest-event';
export { lambdaContext, type LambdaContextOptions } from './lambda-context';
export type { HttpEventOptions, MultiValueMap } from './shared';
