import { loadConfig } from './config';
import { createHandler } from './handler';

/**
 * The Lambda entry point (`main.handler`). Configuration is read and
 * validated here, at cold start; a bad variable fails the init, naming it.
 */
export const handler = createHandler({ config: loadConfig() });
