import { lambdaContext } from './lambda-context';

describe('lambdaContext', () => {
  afterEach(() => jest.useRealTimers());

  it('counts the remaining time down from the timeout', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const context = lambdaContext({ timeoutMs: 3_000 });

    jest.advanceTimersByTime(1_000);
    expect(context.getRemainingTimeInMillis()).toBe(2_000);
    jest.advanceTimersByTime(5_000);
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('names the function consistently and gives each context its own request id', () => {
    const a = lambdaContext({ functionName: 'fn', region: 'eu-west-1', memoryLimitInMB: 512 });
    const b = lambdaContext();

    expect(a.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:000000000000:function:fn');
    expect(a.logGroupName).toBe('/aws/lambda/fn');
    expect(a.memoryLimitInMB).toBe('512');
    expect(a.awsRequestId).not.toBe(b.awsRequestId);
  });

  it('refuses the deprecated callback methods', () => {
    expect(() => lambdaContext().succeed('x')).toThrow('deprecated');
  });
});
