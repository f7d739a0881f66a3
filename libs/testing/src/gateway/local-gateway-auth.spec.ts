import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { echo, eventFrom, type RawResponse, send } from './http-client.test-util';
import { startLocalGateway } from './local-gateway';
import { signedFetch, sigV4Headers, type SigV4SigningOptions } from './signed-fetch';
import type { GatewayInvoke, GatewayRequestRecord, LocalGateway } from './types';

const run = promisify(execFile);
const credentials = { accessKeyId: 'AKIALOCALTEST0000001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signing: SigV4SigningOptions = { credentials, region: 'us-east-1' };
const JSON_TYPE = { 'content-type': 'application/json' };

let gateway: LocalGateway;
let invocations = 0;
const records: GatewayRequestRecord[] = [];
const counting: GatewayInvoke = async (event, context) => {
  invocations++;
  return echo(event, context);
};

beforeAll(async () => {
  gateway = await startLocalGateway({
    invoke: counting,
    routes: [
      { method: 'GET', path: '/', auth: 'none' },
      { method: 'GET', path: '/items', auth: 'iam' },
      { method: 'POST', path: '/items', auth: 'iam' },
      { method: 'GET', path: '/items/{id}', auth: 'iam' },
    ],
    iam: { credentials: [credentials], region: 'us-east-1' },
    onRequest: (record) => records.push(record),
  });
});
afterAll(async () => {
  await gateway?.close();
});

/** A request sent over node:http with headers signed for what `signed` describes (which may differ from what is sent). */
async function sendSigned(
  sent: { method?: string; path: string; headers?: Array<[string, string]>; body?: string },
  signed: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
  options: SigV4SigningOptions = signing,
): Promise<RawResponse> {
  const auth = await sigV4Headers(
    { method: signed.method ?? sent.method ?? 'GET', url: `${gateway.url}${signed.path ?? sent.path}`, headers: signed.headers ?? {}, body: signed.body ?? sent.body },
    options,
  );
  return send(`${gateway.url}${sent.path}`, { method: sent.method ?? 'GET', headers: [...(sent.headers ?? []), ...Object.entries(auth)], body: sent.body });
}

function refusal(response: RawResponse) {
  return { status: response.status, errorType: response.header('x-amzn-ErrorType')[0], message: response.json<{ message: string }>().message };
}

/** curl's own SigV4 (`--aws-sigv4`), as the README shows it. */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-s', '--max-time', '20', '-w', '\n%{http_code}', '--aws-sigv4', 'aws:amz:us-east-1:execute-api', '--user', `${credentials.accessKeyId}:${credentials.secretAccessKey}`, ...args]);
  const newline = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(newline + 1)), body: stdout.slice(0, newline) };
}

describe('routes with auth "iam" (AuthorizationType.IAM)', () => {
  it('invoke the Lambda for a request signed by the AWS SDK signer, with the caller in requestContext.identity', async () => {
    const response = await signedFetch(`${gateway.url}/items?limit=2&name=a%20b`, {}, signing);
    const event = (await response.json()) as APIGatewayProxyEvent;

    expect(response.status).toBe(200);
    expect(event.queryStringParameters).toEqual({ limit: '2', name: 'a b' });
    expect(event.requestContext.identity).toMatchObject({
      accessKey: credentials.accessKeyId,
      accountId: '000000000000',
      caller: expect.stringMatching(/^AIDA[0-9A-F]{17}$/),
      user: expect.stringMatching(/^AIDA[0-9A-F]{17}$/),
      userArn: 'arn:aws:iam::000000000000:user/local-developer',
      cognitoIdentityId: null,
      sourceIp: '127.0.0.1',
    });
    expect(event.requestContext.identity.caller).toBe(event.requestContext.identity.user);
    expect(event.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/); // passed through, as API Gateway does
  });

  it('take a signed POST with a JSON body', async () => {
    const body = JSON.stringify({ name: 'first', note: 'é ✓' });
    const response = await signedFetch(`${gateway.url}/items`, { method: 'POST', headers: JSON_TYPE, body }, signing);

    expect(response.status).toBe(200);
    expect(((await response.json()) as APIGatewayProxyEvent).body).toBe(body);
  });

  it('take requests signed by curl --aws-sigv4: a GET with a query string and a POST with a JSON body', async () => {
    const got = await curl([`${gateway.url}/items?cursor=abc&limit=2`]);
    const posted = await curl(['-X', 'POST', `${gateway.url}/items`, '-H', 'content-type: application/json', '-d', '{"name":"first"}']);

    expect(got.status).toBe(200);
    expect((JSON.parse(got.body) as APIGatewayProxyEvent).queryStringParameters).toEqual({ cursor: 'abc', limit: '2' });
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.body) as APIGatewayProxyEvent).toMatchObject({ body: '{"name":"first"}', requestContext: { identity: { accessKey: credentials.accessKeyId } } });
  });

  it('check the path as SigV4 encodes it (twice) and take repeated header lines joined by commas', async () => {
    const encoded = await signedFetch(`${gateway.url}/items/a%20b`, {}, signing);
    const repeated = await sendSigned({ path: '/items', headers: [['X-Tag', 'one'], ['x-tag', ' two ']] }, { headers: { 'x-tag': 'one,two' } });

    expect(encoded.status).toBe(200);
    expect(((await encoded.json()) as APIGatewayProxyEvent).pathParameters).toEqual({ id: 'a%20b' });
    expect(repeated.status).toBe(200);
  });

  it('take a presigned URL (X-Amz-* query parameters) from the SDK signer', async () => {
    const url = new URL(`${gateway.url}/items?limit=1`);
    const sdk = new SignatureV4({ credentials, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
    const presigned = await sdk.presign(
      { method: 'GET', protocol: 'http:', hostname: url.hostname, path: url.pathname, query: { limit: '1' }, headers: { host: url.host } },
      { expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const response = await send(`${gateway.url}/items?${query}`);
    const tampered = await send(`${gateway.url}/items?${query.replace('limit=1', 'limit=2')}`);

    expect(response.status).toBe(200);
    expect(eventFrom(response).requestContext.identity.accessKey).toBe(credentials.accessKeyId);
    expect(refusal(tampered)).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
  });

  it('refuse a presigned URL past its X-Amz-Expires, and one without it', async () => {
    const url = new URL(`${gateway.url}/items`);
    const sdk = new SignatureV4({ credentials, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
    const presigned = await sdk.presign(
      { method: 'GET', protocol: 'http:', hostname: url.hostname, path: url.pathname, query: {}, headers: { host: url.host } },
      { expiresIn: 60, signingDate: new Date(Date.now() - 3 * 60_000) },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>);
    const expired = await send(`${url.href}?${query}`);
    query.delete('X-Amz-Expires');
    const incomplete = await send(`${url.href}?${query}`);

    expect(refusal(expired)).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 60 sec\.\)$/),
    });
    expect(refusal(incomplete)).toMatchObject({ status: 403, errorType: 'IncompleteSignatureException', message: expect.stringContaining('X-Amz-Expires parameters') });
  });

  it('answer an unsigned request 403 Missing Authentication Token, without invoking the Lambda', async () => {
    const before = invocations;
    const response = await send(`${gateway.url}/items`, { method: 'POST', headers: [['content-type', 'application/json']], body: '{"name":"x"}' });

    expect(response.status).toBe(403);
    expect(response.body.toString()).toBe('{"message":"Missing Authentication Token"}');
    expect(response.header('x-amzn-ErrorType')).toEqual(['MissingAuthenticationTokenException']);
    expect(response.header('x-amzn-RequestId')).toHaveLength(1);
    expect(invocations).toBe(before);
    expect(records.at(-1)).toMatchObject({ statusCode: 403, invoked: false, errorType: 'MissingAuthenticationTokenException', accessKeyId: null });
  });

  type Sent = Parameters<typeof sendSigned>[0];
  type Signed = Parameters<typeof sendSigned>[1];
  it.each<[string, Sent, Signed]>([
    ['body', { method: 'POST', path: '/items', headers: [['content-type', 'application/json']], body: '{"name":"mallory"}' }, { body: '{"name":"alice"}' }],
    ['path', { path: '/items/2' }, { path: '/items/1' }],
    ['query', { path: '/items?limit=2' }, { path: '/items?limit=1' }],
    ['method', { method: 'POST', path: '/items' }, { method: 'GET' }],
  ])('refuse a request whose %s changed after signing: the signature does not match', async (_what, sent, signed) => {
    const before = invocations;
    const response = await sendSigned(sent, signed);
    const { message, ...rest } = refusal(response);

    expect(rest).toEqual({ status: 403, errorType: 'InvalidSignatureException' });
    expect(message).toMatch(/^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\./);
    expect(message).toContain(`The Canonical String for this request should have been\n'${sent.method ?? 'GET'}\n/dev${sent.path.split('?')[0]}\n`);
    expect(message).toContain("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n");
    expect(invocations).toBe(before);
  });

  it('refuse a body that does not match the x-amz-content-sha256 it was signed with', async () => {
    const sdk = new SignatureV4({ credentials, region: 'us-east-1', service: 'execute-api', sha256: Sha256, applyChecksum: true });
    const url = new URL(`${gateway.url}/items`);
    const signed = await sdk.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, path: url.pathname, headers: { host: url.host }, body: '{"name":"alice"}' });
    const headers = Object.entries(signed.headers).filter(([name]) => name !== 'host');
    const honest = await send(url.href, { method: 'POST', headers, body: '{"name":"alice"}' });
    const swapped = await send(url.href, { method: 'POST', headers, body: '{"name":"mallory"}' });

    expect(honest.status).toBe(200);
    expect(refusal(swapped)).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
  });

  it('refuse an unknown access key, and a session token these keys do not have', async () => {
    const stranger = await sendSigned({ path: '/items' }, {}, { ...signing, credentials: { ...credentials, accessKeyId: 'AKIAUNKNOWN000000001' } });
    const withToken = await sendSigned({ path: '/items' }, {}, { ...signing, credentials: { ...credentials, sessionToken: 'token' } });

    for (const response of [stranger, withToken]) {
      expect(refusal(response)).toEqual({ status: 403, errorType: 'AccessDeniedException', message: 'The security token included in the request is invalid.' });
    }
  });

  it('refuse the wrong secret as a signature mismatch', async () => {
    const response = await sendSigned({ path: '/items' }, {}, { ...signing, credentials: { ...credentials, secretAccessKey: 'not-the-secret' } });

    expect(refusal(response).message).toMatch(/^The request signature we calculated does not match/);
  });

  it('refuse a request dated more than 5 minutes before or after the gateway clock', async () => {
    const stale = await sendSigned({ path: '/items' }, {}, { ...signing, signingDate: new Date(Date.now() - 6 * 60_000) });
    const early = await sendSigned({ path: '/items' }, {}, { ...signing, signingDate: new Date(Date.now() + 6 * 60_000) });

    expect(refusal(stale)).toEqual({
      status: 403,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/),
    });
    expect(refusal(early).message).toMatch(/^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$/);
  });

  it('refuse signatures scoped to another region or service', async () => {
    const region = await sendSigned({ path: '/items' }, {}, { ...signing, region: 'eu-west-1' });
    const service = await sendSigned({ path: '/items' }, {}, { ...signing, service: 'lambda' });

    expect(refusal(region)).toEqual({ status: 403, errorType: 'InvalidSignatureException', message: "Credential should be scoped to a valid region, not 'eu-west-1'. " });
    expect(refusal(service).message).toBe("Credential should be scoped to correct service: 'execute-api'. ");
  });

  it('refuse an Authorization header that is not a SigV4 one, as API Gateway words it', async () => {
    const bearer = await send(`${gateway.url}/items`, { headers: [['Authorization', 'Bearer eyJhbGciOi.x.y']] });
    const partial = await send(`${gateway.url}/items`, { headers: [['Authorization', 'AWS4-HMAC-SHA256 Credential=AKIALOCALTEST0000001/20260101/us-east-1/execute-api/aws4_request']] });

    expect(refusal(bearer)).toEqual({
      status: 403,
      errorType: 'IncompleteSignatureException',
      message: expect.stringMatching(/^Invalid key=value pair \(missing equal-sign\) in Authorization header \(hashed with SHA-256 and encoded with Base64\): '[A-Za-z0-9+/]{43}='\.$/),
    });
    expect(refusal(partial).message).toBe(
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        'Authorization=AWS4-HMAC-SHA256 Credential=AKIALOCALTEST0000001/20260101/us-east-1/execute-api/aws4_request',
    );
  });
});

describe('public routes and the catch-all', () => {
  it('need no signature, and a bad one is not looked at', async () => {
    const root = await send(`${gateway.url}/`);
    const catchAll = await send(`${gateway.url}/items`, { method: 'PUT' });
    const junk = await send(`${gateway.url}/`, { headers: [['Authorization', 'Bearer not-checked']] });

    expect([root.status, catchAll.status, junk.status]).toEqual([200, 200, 200]);
    expect(eventFrom(catchAll).resource).toBe('/{proxy+}');
    expect(eventFrom(root).requestContext.identity).toMatchObject({ accessKey: null, userArn: null, caller: null });
  });
});

describe('startLocalGateway with iam routes', () => {
  it('refuses to start without credentials to check them against', async () => {
    await expect(startLocalGateway({ invoke: echo, routes: [{ method: 'POST', path: '/items', auth: 'iam' }] })).rejects.toThrow(
      'Routes with auth "iam" (POST /items) need options.iam',
    );
  });

  it.each([
    [{ credentials: [] }, 'iam.credentials must list at least one'],
    [{ credentials: [credentials], region: 'mars' }, 'iam.region must be an AWS region'],
    [{ credentials: [{ ...credentials, accessKeyId: 'short' }] }, 'iam.credentials[0].accessKeyId must be 16-128'],
    [{ credentials: [{ ...credentials, secretAccessKey: ' ' }] }, 'iam.credentials[0].secretAccessKey must be a non-empty string'],
    [{ credentials: [{ ...credentials, accountId: '12' }] }, 'iam.credentials[0].accountId must be 12 digits'],
    [{ credentials: [{ ...credentials, userName: 'a b' }] }, 'iam.credentials[0].userName must be an IAM user name'],
    [{ credentials: [credentials, credentials] }, `iam.credentials lists ${credentials.accessKeyId} twice`],
  ])('refuses malformed iam options (%j)', async (iam, message) => {
    await expect(startLocalGateway({ invoke: echo, iam })).rejects.toThrow(message);
  });
});
