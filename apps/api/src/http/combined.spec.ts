import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { combined } from './combined';

type Log = string[];
const recorder = (name: string, log: Log): MiddlewareObj<unknown, unknown> => ({
  before: () => void log.push(`${name}.before`),
  after: () => void log.push(`${name}.after`),
  onError: () => void log.push(`${name}.onError`),
});
const context = {} as Context;

async function trace(handler: () => Promise<unknown>, use: (m: ReturnType<typeof middy<unknown, unknown>>, log: Log) => void): Promise<Log> {
  const log: Log = [];
  const m = middy<unknown, unknown>(async () => {
    log.push('handler');
    return handler();
  });
  use(m, log);
  await m({}, context).catch(() => log.push('thrown'));
  return log;
}

describe('combined', () => {
  it.each([
    ['a handler that answers', async () => 'ok'],
    ['a handler that throws', async () => Promise.reject(new Error('boom'))],
  ])('runs its parts in the order Middy runs them when each is used in turn, for %s', async (_, handler) => {
    const separately = await trace(handler, (m, log) => m.use(recorder('a', log)).use(recorder('b', log)).use(recorder('c', log)));
    const together = await trace(handler, (m, log) => m.use(combined(recorder('a', log), recorder('b', log), recorder('c', log))));
    expect(together).toEqual(separately);
    expect(together[0]).toBe('a.before');
  });

  it('leaves out the phases none of its parts has', () => {
    expect(Object.keys(combined({ before: () => undefined }, { onError: () => undefined }))).toEqual(['before', 'onError']);
  });

  it('refuses a part that returns a promise (it would not be awaited)', async () => {
    const log: Log = [];
    const asyncPart: MiddlewareObj<unknown, unknown> = { before: async () => undefined };
    const m = middy<unknown, unknown>(async () => 'ok').use(combined(recorder('a', log), asyncPart));
    await expect(m({}, context)).rejects.toThrow('synchronous middlewares');
  });

  it('stops at a part that throws, as Middy does, and the onError chain runs', async () => {
    const log: Log = [];
    const failing: MiddlewareObj<unknown, unknown> = {
      before: () => {
        throw new Error('refused');
      },
    };
    const m = middy<unknown, unknown>(async () => 'never').use(combined(failing, recorder('b', log)));
    await expect(m({}, context)).rejects.toThrow('refused');
    expect(log).toEqual(['b.onError']);
  });
});
