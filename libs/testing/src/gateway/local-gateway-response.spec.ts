import { Agent } from 'node:http';
import { captureLogger, returning, send } from './http-client.test-util';
import { startLocalGateway } from './local-gateway';
import type { GatewayInvoke, LocalGateway, LocalGatewayOptions } from './types';

const open: LocalGateway[] = [];

async function gatewayFor(invoke: GatewayInvoke, options: Partial<LocalGatewayOptions> = {}): Promise<LocalGateway> {
  const gateway = await startLocalGateway({ invoke, ...options });
  open.push(gateway);
  return gateway;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((gateway) => gateway.close()));
});

describe('writing the Lambda result', () => {
  it('writes status, headers, multi-value headers (two Set-Cookie lines) and body', async () => {
    const gateway = await gatewayFor(
      returning({
        statusCode: 201,
        headers: { Location: '/items/1', 'Content-Type': 'text/plain; charset=utf-8' },
        multiValueHeaders: { 'Set-Cookie': ['a=1; Path=/', 'b=2; HttpOnly'], Vary: ['Accept', 'Origin'] },
        body: 'créé',
      }),
    );
    const response = await send(`${gateway.url}/items`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(201);
    expect(response.header('location')).toEqual(['/items/1']);
    expect(response.header('set-cookie')).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(response.header('vary')).toEqual(['Accept', 'Origin']);
    expect(response.header('content-type')).toEqual(['text/plain; charset=utf-8']);
    expect(response.rawHeaders.some(([name]) => name === 'Location')).toBe(true);
    expect(response.body.toString('utf8')).toBe('créé');
    expect(response.header('content-length')).toEqual([String(Buffer.byteLength('créé'))]);
  });

  it('merges a header given in both maps, sending a repeated pair once', async () => {
    const gateway = await gatewayFor(
      returning({
        statusCode: 200,
        headers: { 'X-Both': 'single', 'X-Same': 'v' },
        multiValueHeaders: { 'X-Both': ['multi'], 'X-Same': ['v'] },
      }),
    );
    const response = await send(gateway.url);

    expect(response.header('x-both')).toEqual(['multi', 'single']);
    expect(response.header('x-same')).toEqual(['v']);
  });

  it('decodes a base64 body into the original bytes', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const gateway = await gatewayFor(
      returning({ statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: bytes.toString('base64'), isBase64Encoded: true }),
    );
    const response = await send(gateway.url);

    expect(response.body).toEqual(bytes);
    expect(response.header('content-type')).toEqual(['image/png']);
  });

  it('defaults the content type to application/json and always sends x-amzn-RequestId', async () => {
    const gateway = await gatewayFor(returning({ statusCode: 200, body: '{"ok":true}' }));
    const response = await send(gateway.url);

    expect(response.header('content-type')).toEqual(['application/json']);
    expect(response.header('x-amzn-requestid')).toHaveLength(1);
    expect(response.json()).toEqual({ ok: true });
  });

  it('answers 500 to a body marked base64 that does not decode', async () => {
    const logger = captureLogger();
    const gateway = await gatewayFor(returning({ statusCode: 200, body: '%%%', isBase64Encoded: true }), { logger });
    const response = await send(gateway.url);

    expect(response.status).toBe(500);
    expect(response.body.toString()).toBe('{"message": "Internal server error"}');
    expect(logger.lines[0]?.attributes[0]).toMatchObject({ error: expect.objectContaining({ name: 'Base64BodyError' }) });
  });
});

describe('failures', () => {
  it.each([
    ['undefined', undefined],
    ['a JSON string', '{"statusCode":200,"body":"x"}'],
    ['a string statusCode', { statusCode: '200', body: 'x' }],
    ['an object body', { statusCode: 200, body: { a: 1 } }],
    ['a number header', { statusCode: 200, headers: { 'X-N': 1 } }],
    ['an HTTP API cookies key', { statusCode: 200, cookies: ['a=1'] }],
  ])('answers 502 to a malformed result: %s', async (_label, result) => {
    const logger = captureLogger();
    const gateway = await gatewayFor(returning(result), { logger });
    const response = await send(gateway.url);

    expect(response.status).toBe(502);
    expect(response.body.toString()).toBe('{"message": "Internal server error"}');
    expect(response.header('x-amzn-ErrorType')).toEqual(['InternalServerErrorException']);
    expect(response.header('content-type')).toEqual(['application/json']);
    expect(logger.lines).toEqual([
      {
        message: 'Execution failed due to configuration error: Malformed Lambda proxy response',
        attributes: [expect.objectContaining({ result, error: expect.objectContaining({ name: 'MalformedResultError' }) })],
      },
    ]);
  });

  it('answers 502 when the Lambda throws or rejects, and hands the error to the logger', async () => {
    const boom = new Error('boom: secret detail');
    for (const invoke of [
      async () => Promise.reject(boom),
      () => {
        throw boom;
      },
    ] as GatewayInvoke[]) {
      const logger = captureLogger();
      const gateway = await gatewayFor(invoke, { logger });
      const response = await send(`${gateway.url}/x`);

      expect(response.status).toBe(502);
      expect(response.body.toString()).not.toContain('secret');
      expect(logger.lines).toEqual([
        {
          message: 'Lambda execution failed',
          attributes: [expect.objectContaining({ error: boom, resource: '/{proxy+}', path: '/dev/x' })],
        },
      ]);
    }
  });

  it('answers 504 after timeoutMs, and logs a failure that comes later', async () => {
    const logger = captureLogger();
    let fail: (error: Error) => void = () => undefined;
    const gateway = await gatewayFor(() => new Promise((_resolve, reject) => (fail = reject)), { logger, timeoutMs: 50 });
    const response = await send(gateway.url);

    expect(response.status).toBe(504);
    expect(response.body.toString()).toBe('{"message": "Endpoint request timed out"}');
    expect(logger.lines.map((line) => line.message)).toEqual(['Execution failed due to a timeout error']);

    const late = new Error('late');
    fail(late);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger.lines.at(-1)?.attributes[0]).toMatchObject({ error: late });
  });

  it('hands each invocation its own Context', async () => {
    const seen: string[] = [];
    const gateway = await gatewayFor(
      async (_event, context) => {
        seen.push(context.awsRequestId);
        return { statusCode: 200, body: String(context.getRemainingTimeInMillis() > 0) };
      },
      { context: { functionName: 'api', timeoutMs: 3_000 } },
    );

    expect((await send(gateway.url)).body.toString()).toBe('true');
    await send(gateway.url);
    expect(new Set(seen).size).toBe(2);
  });
});

describe('lifecycle', () => {
  it('listens on the port it is given', async () => {
    const probe = await gatewayFor(returning({ statusCode: 200 }));
    const port = probe.port;
    await probe.close();
    const gateway = await gatewayFor(returning({ statusCode: 200 }), { port });

    expect(gateway.port).toBe(port);
    expect(gateway.url).toBe(`http://127.0.0.1:${port}/dev`);
  });

  it('closes with a keep-alive connection open, and closing twice is fine', async () => {
    const agent = new Agent({ keepAlive: true });
    const gateway = await startLocalGateway({ invoke: returning({ statusCode: 204 }) });
    try {
      await send(gateway.url, { agent });
      await send(gateway.url, { agent });
      expect(agent.freeSockets[Object.keys(agent.freeSockets)[0] ?? '']).toHaveLength(1);

      await gateway.close();
      await gateway.close();
      await expect(send(gateway.url)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
    }
  });

  it('closes while an invocation is still running', async () => {
    const gateway = await startLocalGateway({ invoke: () => new Promise(() => undefined) });
    const pending = send(gateway.url).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));

    await gateway.close();
    expect(String(await pending)).toMatch(/socket hang up|ECONNRESET/);
  });

  it('refuses an invalid stage name', async () => {
    await expect(startLocalGateway({ invoke: returning({ statusCode: 200 }), stage: 'a/b' })).rejects.toThrow('Stage names');
  });
});
