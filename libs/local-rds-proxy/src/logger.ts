/**
 * Where the proxy logs. A `@aws-lambda-powertools/logger` `Logger`, `console`
 * or any object with these methods fits. Nothing the proxy logs contains SQL
 * text, a statement's values, a password or a secret's contents.
 *
 * @example
 * startLocalRdsProxy({ ...options, logger: { debug() {}, info: console.info, warn: console.warn, error: console.error } });
 */
export interface ProxyLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

const discard = (): void => undefined;

/**
 * Logs nothing (the default).
 *
 * @example
 * startLocalRdsProxy({ ...options, logger: silentProxyLogger });
 */
export const silentProxyLogger: ProxyLogger = { debug: discard, info: discard, warn: discard, error: discard };
