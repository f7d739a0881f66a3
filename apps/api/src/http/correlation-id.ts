import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { requestLine } from './request-line';
import type { HttpResponse } from './response';
import type { HttpEvent } from './route';

/** The response header that echoes the correlation id. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** What the middleware needs of a logger (a Powertools Logger fits). */
export interface RequestLogger {
  addContext(context: Context): void;
  resetKeys(): void;
  setCorrelationId(value: unknown): void;
  getLevelName(): string;
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
 * middy(router, { timeoutEarlyInMillis: 0 }).use(correlationId(logger, 'serverless-app-api')).use(databaseContext(getDb)).use(httpErrorHandler(logger))
 */
export function correlationId(logger: RequestLogger, service: string): MiddlewareObj<HttpEvent, HttpResponse> {
  const served = requestLine(service, logger.getLevelName());
  const echo = (request: { event: HttpEvent; context: Context; response: HttpResponse | null | undefined }) => {
    const response = request.response;
    if (!response) return;
    const raw = request.event.requestContext?.requestId;
    const id = typeof raw === 'string' && raw !== '' ? raw : undefined;
    if (id) {
      if (response.headers) response.headers[CORRELATION_HEADER] = id;
      else response.headers = { [CORRELATION_HEADER]: id };
    }
    served(response.statusCode, id, request.context?.awsRequestId);
  };
  return {
    before: ({ event, context }) => {
      logger.addContext(context);
      const id = event.requestContext?.requestId;
      // Replaces the last invocation's id; only an invocation without one needs the keys cleared.
      if (typeof id === 'string' && id !== '') logger.setCorrelationId(id);
      else logger.resetKeys();
    },
    after: echo,
    onError: echo,
  };
}
