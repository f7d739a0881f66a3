import type { MiddlewareObj } from '@middy/core';
import type { DbClientLogger } from '@serverless-app/db';
import type { Context } from 'aws-lambda';
import { requestLine } from './request-line';
import type { HttpResponse } from './response';
import type { HttpEvent } from './route';

/** The response header that echoes the correlation id. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** What the middleware needs of a logger (a Powertools Logger fits). */
export interface RequestLogger extends DbClientLogger {
  addContext(context: Context): void;
  resetKeys(): void;
  setCorrelationId(value: unknown): void;
  getLevelName(): string;
}

/** The logger every part of the api writes through: the Lambda context and correlation id on each line. */
export interface InvocationLogger extends DbClientLogger {
  getLevelName(): string;
}

/** {@link invocationLogger}: the logger to hand out, and `begin`, called once per invocation. */
export interface InvocationLogs {
  logger: InvocationLogger;
  begin(context: Context, correlationId: string | undefined): void;
}

/**
 * A logger that carries the current invocation's Lambda context and correlation id, handed to the logger only
 * when a line is written: Powertools' `addContext` and `setCorrelationId` cost a few microseconds per call
 * (each reads the environment), and most warm invocations write nothing but the request line. The first
 * invocation's context is handed over at once, so the logger's cold-start flag is that invocation's.
 *
 * @example
 * const { logger, begin } = invocationLogger(new Logger({ serviceName: 'api' }));
 * begin(context, event.requestContext.requestId); // per invocation
 * logger.warn('…'); // carries function_request_id and correlation_id
 */
export function invocationLogger(target: RequestLogger): InvocationLogs {
  let pending: { context: Context; correlationId: string | undefined } | undefined;
  let first = true;
  const apply = () => {
    if (!pending) return;
    const { context, correlationId } = pending;
    pending = undefined;
    target.addContext(context);
    // Replaces the last invocation's id; only an invocation without one needs the keys cleared.
    if (correlationId !== undefined) target.setCorrelationId(correlationId);
    else target.resetKeys();
  };
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, ...extra: Array<Record<string, unknown>>) => {
      apply();
      target[level](message, ...extra);
    };
  return {
    logger: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), getLevelName: () => target.getLevelName() },
    begin: (context, correlationId) => {
      pending = { context, correlationId };
      if (first) apply();
      first = false;
    },
  };
}

/** API Gateway's request id, when the event has one. */
function correlationIdOf(event: HttpEvent): string | undefined {
  const id = event.requestContext?.requestId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Per invocation, in place of Powertools' `injectLambdaContext` (which also
 * refreshes debug sampling and checks buffers we do not use): the Lambda
 * context on every log line, API Gateway's request id as the correlation id
 * (`correlation_id`, reset per invocation) echoed in the `x-correlation-id`
 * response header, errors included, and one INFO line per request,
 * `request served` with the status ({@link requestLine}: no path, no values).
 *
 * @example
 * const logs = invocationLogger(new Logger({ serviceName: 'serverless-app-api' }));
 * middy(router, { timeoutEarlyInMillis: 0 }).use(correlationId(logs, 'serverless-app-api')).use(httpErrorHandler(logs.logger))
 */
export function correlationId(logs: InvocationLogs, service: string): MiddlewareObj<HttpEvent, HttpResponse> {
  const served = requestLine(service, logs.logger.getLevelName());
  const echo = (request: { event: HttpEvent; context: Context; response: HttpResponse | null | undefined }) => {
    const response = request.response;
    if (!response) return;
    const id = correlationIdOf(request.event);
    if (id) {
      if (response.headers) response.headers[CORRELATION_HEADER] = id;
      else response.headers = { [CORRELATION_HEADER]: id };
    }
    served(response.statusCode, id, request.context?.awsRequestId);
  };
  return {
    before: ({ event, context }) => logs.begin(context, correlationIdOf(event)),
    after: echo,
    onError: echo,
  };
}
