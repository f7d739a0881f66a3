import { connect } from 'node:net';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startSecretsManager } from './index';
import { errorOf, useSecretsManager } from './sm.test-util';

jest.setTimeout(30_000);


const ctx = useSecretsManager();

afterEach(() => {
  ctx.sm.clearFailures();
  ctx.sm.setLatency(0);
});

const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123';

interface RawOptions {
  method?: string;
  path?: string;
  target?: string | null;
  contentType?: string | null;
  authorization?: string | null;
  body?: string;
}

/** Sends a hand-made request and returns status, error type header and parsed body. */
async function raw(options: RawOptions = {}): Promise<{ status: number; errorType: string | null; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  const target = options.target === undefined ? 'secretsmanager.GetSecretValue' : options.target;
  const contentType = options.contentType === undefined ? 'application/x-amz-json-1.1' : options.contentType;
  const authorization = options.authorization === undefined ? SIGNED : options.authorization;
  if (target !== null) headers['X-Amz-Target'] = target;
  if (contentType !== null) headers['Content-Type'] = contentType;
  if (authorization !== null) headers['Authorization'] = authorization;
  const method = options.method ?? 'POST';
  const response = await fetch(`${ctx.sm.endpoint}${options.path ?? '/'}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : (options.body ?? '{}'),
  });
  const text = await response.text();
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}


describe('the endpoint', () => {
  it('listens on a random 127.0.0.1 port and hands out a client config with fake static credentials', () => {
    expect(ctx.sm.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ctx.sm.port).toBeGreaterThan(0);
    expect(ctx.sm.region).toBe('us-east-1');
    expect(ctx.sm.accountId).toBe('000000000000');
    expect(ctx.sm.clientConfig()).toEqual({
      endpoint: ctx.sm.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: expect.any(String), secretAccessKey: expect.any(String) },
    });
  });

  it('is reached through AWS_ENDPOINT_URL_SECRETS_MANAGER by a client built without an endpoint option', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, ctx.sm.env());
    try {
      const fromEnv = new SecretsManagerClient({ maxAttempts: 1 });
      try {
        await fromEnv.send(new CreateSecretCommand({ Name: 'env-route', SecretString: 'via env' }));
        const value = await fromEnv.send(new GetSecretValueCommand({ SecretId: 'env-route' }));
        expect(value.SecretString).toBe('via env');
      } finally {
        fromEnv.destroy();
      }
    } finally {
      for (const key of Object.keys(ctx.sm.env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
    expect(ctx.sm.count('CreateSecret', 'env-route')).toBe(1);
  });
});

describe('request counters', () => {
  it('counts requests per action and per secret, by name or ARN, failures included', async () => {
    ctx.sm.resetCounts();
    const created = await ctx.client.send(new CreateSecretCommand({ Name: 'counted', SecretString: 'x' }));
    await ctx.client.send(new GetSecretValueCommand({ SecretId: 'counted' }));
    await ctx.client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    await ctx.client.send(new DescribeSecretCommand({ SecretId: 'counted' }));
    await errorOf(ctx.client.send(new GetSecretValueCommand({ SecretId: 'not-there' })));

    expect(ctx.sm.counts()).toEqual({ CreateSecret: 1, GetSecretValue: 3, DescribeSecret: 1 });
    expect(ctx.sm.count('GetSecretValue')).toBe(3);
    expect(ctx.sm.count('GetSecretValue', 'counted')).toBe(2);
    expect(ctx.sm.count('GetSecretValue', created.ARN)).toBe(2);
    expect(ctx.sm.count('GetSecretValue', 'not-there')).toBe(1);
    expect(ctx.sm.count('CreateSecret', created.ARN)).toBe(1);
    expect(ctx.sm.count('PutSecretValue')).toBe(0);

    ctx.sm.resetCounts();
    expect(ctx.sm.counts()).toEqual({});
    expect(ctx.sm.count('GetSecretValue', 'counted')).toBe(0);
  });
});

describe('failure injection', () => {
  it('fails the next N requests of an action with the given error, then serves again', async () => {
    await ctx.client.send(new CreateSecretCommand({ Name: 'flaky', SecretString: 'x' }));
    ctx.sm.failNext('GetSecretValue', 'InternalServiceError', 2);
    for (let i = 0; i < 2; i++) {
      const error = await errorOf(ctx.client.send(new GetSecretValueCommand({ SecretId: 'flaky' })));
      expect(error.name).toBe('InternalServiceError');
      expect(error.$metadata.httpStatusCode).toBe(500);
    }
    expect((await ctx.client.send(new GetSecretValueCommand({ SecretId: 'flaky' }))).SecretString).toBe('x');
  });

  it('injects any error name and status, for one action or all', async () => {
    ctx.sm.failNext('*', { name: 'ThrottlingException', message: 'slow down' });
    const throttled = await errorOf(ctx.client.send(new GetRandomPasswordCommand({})));
    expect(throttled.name).toBe('ThrottlingException');
    expect(throttled.message).toBe('slow down');
    expect(throttled.$metadata.httpStatusCode).toBe(400);

    ctx.sm.failNext('DescribeSecret', 'ResourceNotFoundException');
    await ctx.client.send(new GetRandomPasswordCommand({}));
    const missing = await errorOf(ctx.client.send(new DescribeSecretCommand({ SecretId: 'flaky' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('is retried by the SDK like a real 500', async () => {
    const retrying = new SecretsManagerClient({ ...ctx.sm.clientConfig(), maxAttempts: 3 });
    try {
      await retrying.send(new CreateSecretCommand({ Name: 'retried', SecretString: 'ok' }));
      ctx.sm.resetCounts();
      ctx.sm.failNext('GetSecretValue', 'InternalServiceError', 2);
      const value = await retrying.send(new GetSecretValueCommand({ SecretId: 'retried' }));
      expect(value.SecretString).toBe('ok');
      expect(value.$metadata.attempts).toBe(3);
      expect(ctx.sm.count('GetSecretValue', 'retried')).toBe(3);
    } finally {
      retrying.destroy();
    }
  });

  it('adds latency to every response', async () => {
    ctx.sm.setLatency(200);
    const started = process.hrtime.bigint();
    await ctx.client.send(new GetRandomPasswordCommand({}));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
  });

  it('validates its own arguments', () => {
    expect(() => ctx.sm.failNext('GetSecretValue', 'X', 0)).toThrow(RangeError);
    expect(() => ctx.sm.setLatency(-1)).toThrow(RangeError);
  });
});

describe('protocol errors', () => {
  it('answers malformed JSON with SerializationException', async () => {
    const res = await raw({ body: '{"SecretId": ' });
    expect(res.status).toBe(400);
    expect(res.errorType).toBe('SerializationException');
    expect(res.body).toEqual({ __type: 'SerializationException', message: expect.any(String), Message: expect.any(String) });
  });

  it('answers JSON that is not an object with SerializationException', async () => {
    for (const body of ['[]', '"x"', 'null', '42']) {
      const res = await raw({ body });
      expect(res.errorType).toBe('SerializationException');
    }
  });

  it('answers fields of the wrong type with SerializationException naming the field', async () => {
    const res = await raw({ body: '{"SecretId": 42}' });
    expect(res.status).toBe(400);
    expect(res.errorType).toBe('SerializationException');
    expect(res.body['message']).toContain('SecretId');
    const list = await raw({ target: 'secretsmanager.PutSecretValue', body: '{"SecretId":"a","SecretString":"b","VersionStages":"AWSCURRENT"}' });
    expect(list.errorType).toBe('SerializationException');
    const blob = await raw({ target: 'secretsmanager.CreateSecret', body: '{"Name":"blob","SecretBinary":"***"}' });
    expect(blob.errorType).toBe('SerializationException');
  });

  it('answers a missing required field with InvalidParameterException', async () => {
    const res = await raw({ body: '{}' });
    expect(res.status).toBe(400);
    expect(res.errorType).toBe('InvalidParameterException');
    expect(res.body['message']).toContain('SecretId');
  });

  it('answers an unknown or missing X-Amz-Target with UnknownOperationException', async () => {
    for (const target of ['secretsmanager.RotateEverything', 'dynamodb.GetItem', null]) {
      const res = await raw({ target });
      expect(res.status).toBe(400);
      expect(res.errorType).toBe('UnknownOperationException');
    }
  });

  it('requires a SigV4-shaped Authorization header', async () => {
    const missing = await raw({ authorization: null });
    expect(missing.status).toBe(400);
    expect(missing.errorType).toBe('MissingAuthenticationTokenException');
    const malformed = await raw({ authorization: 'Bearer abc' });
    expect(malformed.status).toBe(400);
    expect(malformed.errorType).toBe('IncompleteSignatureException');
  });

  it('requires the AWS JSON 1.1 content type', async () => {
    const res = await raw({ contentType: 'application/json' });
    expect(res.errorType).toBe('SerializationException');
  });

  it('answers other methods and paths', async () => {
    const get = await raw({ method: 'GET' });
    expect(get.status).toBe(405);
    const path = await raw({ path: '/other' });
    expect(path.status).toBe(404);
  });

  it('refuses bodies over 1 MiB', async () => {
    const res = await raw({ target: 'secretsmanager.CreateSecret', body: JSON.stringify({ Name: 'big', SecretString: 'x'.repeat(1_100_000) }) });
    expect(res.status).toBe(413);
  });

  it('rejects a SecretString over 64 KiB with InvalidParameterException', async () => {
    const error = await errorOf(ctx.client.send(new CreateSecretCommand({ Name: 'too-big', SecretString: 'x'.repeat(65_537) })));
    expect(error.name).toBe('InvalidParameterException');
  });

  it('survives raw junk on the socket and keeps serving', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(ctx.sm.port, '127.0.0.1');
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      socket.write('\x00\x01 this is not HTTP\r\n\r\n');
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await ctx.client.send(new CreateSecretCommand({ Name: 'after-junk', SecretString: 'ok' }));
    expect((await ctx.client.send(new GetSecretValueCommand({ SecretId: 'after-junk' }))).SecretString).toBe('ok');
  });

  it('keeps serving SDK requests after all of the above', async () => {
    const res = await raw({ target: 'secretsmanager.GetSecretValue', body: '{"SecretId":"after-junk"}' });
    expect(res.status).toBe(200);
    expect(res.body['SecretString']).toBe('ok');
  });
});

describe('close', () => {
  it('closes with a keep-alive connection open, and is idempotent', async () => {
    const other = await startSecretsManager({ port: 0 });
    const otherClient = new SecretsManagerClient({ ...other.clientConfig(), maxAttempts: 1 });
    await otherClient.send(new GetRandomPasswordCommand({}));
    await other.close();
    await other.close();
    const error = await errorOf(otherClient.send(new GetRandomPasswordCommand({})));
    expect(error.message).toMatch(/ECONNREFUSED|socket|connect/i);
    otherClient.destroy();
  });

  it('fails to start on a port in use', async () => {
    await expect(startSecretsManager({ port: ctx.sm.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
