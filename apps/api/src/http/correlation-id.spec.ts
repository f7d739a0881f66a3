import type { Context } from 'aws-lambda';
import { invocationLogger, type RequestLogger } from './correlation-id';

/** A logger that records what it is told, in order. */
function fakeLogger(): RequestLogger & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    addContext: (context: Context) => void calls.push(`context ${context.awsRequestId}`),
    setCorrelationId: (id: unknown) => void calls.push(`correlation ${String(id)}`),
    resetKeys: () => void calls.push('reset'),
    getLevelName: () => 'INFO',
    debug: (message: string) => void calls.push(`debug ${message}`),
    info: (message: string) => void calls.push(`info ${message}`),
    warn: (message: string) => void calls.push(`warn ${message}`),
    error: (message: string) => void calls.push(`error ${message}`),
  };
}
const invocation = (id: string) => ({ awsRequestId: id }) as Context;

describe('invocationLogger', () => {
  it("hands the first invocation's context over at once (the cold start is that invocation's)", () => {
    const target = fakeLogger();
    const { begin } = invocationLogger(target);
    begin(invocation('lambda-1'), 'corr-1');
    expect(target.calls).toEqual(['context lambda-1', 'correlation corr-1']);
  });

  it('hands a warm invocation over only when something is logged, and only once', () => {
    const target = fakeLogger();
    const { logger, begin } = invocationLogger(target);
    begin(invocation('lambda-1'), 'corr-1');
    begin(invocation('lambda-2'), 'corr-2');
    begin(invocation('lambda-3'), 'corr-3');
    expect(target.calls).toEqual(['context lambda-1', 'correlation corr-1']);
    logger.warn('slow');
    logger.error('failed');
    expect(target.calls.slice(2)).toEqual(['context lambda-3', 'correlation corr-3', 'warn slow', 'error failed']);
  });

  it("clears the last invocation's correlation id for an invocation without one", () => {
    const target = fakeLogger();
    const { logger, begin } = invocationLogger(target);
    begin(invocation('lambda-1'), 'corr-1');
    begin(invocation('lambda-2'), undefined);
    logger.info('no id');
    expect(target.calls.slice(2)).toEqual(['context lambda-2', 'reset', 'info no id']);
  });

  it('passes every level and its attributes through', () => {
    const seen: unknown[] = [];
    const target = { ...fakeLogger(), debug: (...args: unknown[]) => void seen.push(args) };
    const { logger } = invocationLogger(target);
    logger.debug('detail', { a: 1 }, { b: 2 });
    expect(seen).toEqual([['detail', { a: 1 }, { b: 2 }]]);
    expect(logger.getLevelName()).toBe('INFO');
  });
});
