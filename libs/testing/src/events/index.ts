export { restApiEvent } from './rest-event';
export { lambdaContext, type LambdaContextOptions } from './lambda-context';
export { type HttpEventOptions, type IamCaller, type MultiValueMap, TEST_IAM_CALLER } from './shared';
