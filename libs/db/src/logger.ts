/**
 * The logging libs/db does. A `@aws-lambda-powertools/logger` `Logger`
 * satisfies it as is: attributes become keys of the JSON log line.
 * Nothing libs/db logs contains a password, a token or a statement parameter.
 *
 * @example
 * createDbClient({ ...options, logger: new Logger({ serviceName: 'api' }) });
 */
export interface DbClientLogger {
  debug(message: string, ...attributes: Array<Record<string, unknown>>): void;
  info(message: string, ...attributes: Array<Record<string, unknown>>): void;
  warn(message: string, ...attributes: Array<Record<string, unknown>>): void;
  error(message: string, ...attributes: Array<Record<string, unknown>>): void;
}

const discard = (): void => undefined;

/** Discards everything. */
export const silentLogger: DbClientLogger = { debug: discard, info: discard, warn: discard, error: discard };
