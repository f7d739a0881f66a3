import { send } from './http-client.test-util';
import { startLocalGateway } from './local-gateway';
import type { GatewayRequestRecord, LocalGateway } from './types';

let gateway: LocalGateway;
let invoked = 0;
let records: GatewayRequestRecord[];
let reads = 0;

beforeEach(async () => {
  invoked = 0;
  reads = 0;
  records = [];
  gateway = await startLocalGateway({
    invoke: async () => {
      invoked++;
      return { statusCode: 200, body: 'from the function' };
    },
    localEndpoints: { '/__metrics': () => ({ requests: ++reads }) },
    onRequest: (record) => records.push(record),
  });
});
afterEach(() => gateway.close());

describe('local endpoints', () => {
  it('answers GET on its path outside the stage with the JSON of its function, without invoking or recording', async () => {
    const origin = new URL(gateway.url).origin;

    const first = await send(`${origin}/__metrics`);
    const second = await send(`${origin}/__metrics?pretty=1`);

    expect(first.status).toBe(200);
    expect(first.header('content-type')).toEqual(['application/json']);
    expect(JSON.parse(first.body.toString('utf8'))).toEqual({ requests: 1 });
    expect(JSON.parse(second.body.toString('utf8'))).toEqual({ requests: 2 });
    expect(invoked).toBe(0);
    expect(records).toEqual([]);
    expect(gateway.requestCount).toBe(0);
  });

  it('leaves every other request to API Gateway\'s rules: other methods, other paths, the same path under the stage', async () => {
    const origin = new URL(gateway.url).origin;

    const post = await send(`${origin}/__metrics`, { method: 'POST', body: '{}' });
    const elsewhere = await send(`${origin}/__other`);
    const staged = await send(`${gateway.url}/__metrics`);

    expect(post.status).toBe(403); // outside the stage: API Gateway's Missing Authentication Token
    expect(elsewhere.status).toBe(403);
    expect(staged.status).toBe(200);
    expect(staged.body.toString('utf8')).toBe('from the function');
    expect(reads).toBe(0);
    expect(invoked).toBe(1);
  });
});
