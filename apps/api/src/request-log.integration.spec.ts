import { captureLogs, useApi } from './testing/api.test-util';

/** One INFO line per request, with the Lambda request id and API Gateway's as correlation id; none above INFO. */
jest.setTimeout(60_000);

const ctx = useApi({ LOG_LEVEL: 'INFO' });

it('writes one "request served" line per request, with the status and both ids, on success and on error', async () => {
  const logs = captureLogs();
  try {
    await ctx.api.invoke({ path: '/', requestId: 'corr-ok' }, { awsRequestId: 'lambda-ok' });
    await ctx.api.invoke({ path: '/nope', requestId: 'corr-404' }, { awsRequestId: 'lambda-404' });
  } finally {
    logs.restore();
  }
  const served = logs.json().filter((l) => l['message'] === 'request served');
  expect(served).toEqual([
    expect.objectContaining({ level: 'INFO', service: 'serverless-app-api', status: 200, correlation_id: 'corr-ok', function_request_id: 'lambda-ok' }),
    expect.objectContaining({ level: 'INFO', status: 404, correlation_id: 'corr-404', function_request_id: 'lambda-404' }),
  ]);
});

it("does not carry one invocation's correlation id into the next that has none", async () => {
  const logs = captureLogs();
  try {
    await ctx.api.invoke({ path: '/nope', requestId: 'corr-first' });
    await ctx.api.invoke({ path: '/nope', requestId: '' });
  } finally {
    logs.restore();
  }
  const rejected = logs.json().filter((l) => l['message'] === 'request rejected');
  expect(rejected).toHaveLength(2);
  expect(rejected[0]).toMatchObject({ correlation_id: 'corr-first' });
  expect(rejected[1]).not.toHaveProperty('correlation_id');
});
