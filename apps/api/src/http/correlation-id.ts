import type { MiddlewareObj } from '@middy/core';
import type { HttpResponse } from './response';
import type { HttpEvent } from './route';

/** The response header that echoes the correlation id. */
export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * Uses API Gateway's request id as the correlation id: set on every log line
 * (`correlation_id`) and echoed in the `x-correlation-id` response header,
 * errors included.
 *
 * @example
 * middy(router).use(injectLambdaContext(logger, { resetKeys: true })).use(correlationId(logger))
 */
export function correlationId(logger: { setCorrelationId(value: unknown): void }): MiddlewareObj<HttpEvent, HttpResponse> {
  const echo = (request: { event: HttpEvent; response: HttpResponse | null | undefined }) => {
    const id = request.event.requestContext?.requestId;
    if (request.response && id) request.response.headers = { ...request.response.headers, [CORRELATION_HEADER]: id };
  };
  return {
    before: ({ event }) => {
      const id = event.requestContext?.requestId;
      if (typeof id === 'string' && id !== '') logger.setCorrelationId(id);
    },
    after: echo,
    onError: echo,
  };
}
