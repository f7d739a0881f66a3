/**
 * The logging the pinning guard needs: a `warn(message, attributes)` method.
 * A `@aws-lambda-powertools/logger` `Logger` satisfies it as is (attributes
 * become keys of the JSON log line).
 *
 * @example
 * const logger: DbLogger = { warn: (message, attributes) => lines.push({ message, ...attributes }) };
 */
export interface DbLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

/**
 * The fallback when no logger is injected: a Node.js process warning
 * (`process.emitWarning`, printed to stderr once per call, observable with
 * `process.on('warning')`), so warn mode is visible in local runs without
 * `console`.
 *
 * @example
 * const guard = createPinningGuard({ mode: 'warn', logger: processWarningLogger });
 */
export const processWarningLogger: DbLogger = {
  warn(message, attributes) {
    process.emitWarning(message, { type: 'RdsProxyPinningWarning', code: 'RDS_PROXY_PINNING', detail: JSON.stringify(attributes) });
  },
};
