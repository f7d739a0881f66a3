import { type GatewayRequestRecord, type LocalBackend, type LocalGateway, signedFetch, sigV4Headers, startLocalGateway } from '@serverless-app/testing';
import { request } from 'node:http';
import { apiFor, captureLogs, startBackend } from './testing/api.test-util';

jest.setTimeout(60_000);

let backend: LocalBackend;
let api: ReturnType<typeof apiFor>;
let gateway: LocalGateway;
let logs: ReturnType<typeof captureLogs>;
const records: GatewayRequestRecord[] = [];
/** The caller the gateway accepts on the `iam` routes (`/items`), as API Gateway would for an IAM user. */
const signing = { credentials: { accessKeyId: 'AKIALOCALE2E0000001', secretAccessKey: 'e2e-secret-not-for-anything-else' }, region: 'us-east-1' };

beforeAll(async () => {
  logs = captureLogs();
  backend = await startBackend();
  api = apiFor(backend);
  gateway = await startLocalGateway({
    invoke: api.handler,
    routes: api.handler.routes,
    iam: { credentials: [signing.credentials], region: signing.region },
    onRequest: (record) => records.push(record),
  });
});
afterAll(async () => {
  await gateway?.close();
  await api?.dispose();
  await backend?.stop();
  logs?.restore();
});

/**
 * A raw HTTP request, so that repeated headers and raw bodies go over the wire as written; SigV4-signed
 * (host, date, body) unless `unsigned`, as an IAM caller sends it.
 */
async function send(method: string, path: string, headers: Array<[string, string]> = [], body?: Buffer | string, unsigned = false) {
  const auth = unsigned ? {} : await sigV4Headers({ method, url: `${gateway.url}${path}`, body }, signing);
  return sendRaw(method, path, [...headers, ...Object.entries(auth)], body);
}

function sendRaw(method: string, path: string, headers: Array<[string, string]>, body?: Buffer | string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = request(`${gateway.url}${path}`, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? (values[0] as string) : values);
    req.end(body);
  });
}
const JSON_TYPE: [string, string] = ['content-type', 'application/json'];

it('answers GET /dev/ with the database time, as the workshop step 4 curl (a public route: no signature)', async () => {
  const res = await send('GET', '/', [], undefined, true);

  expect(res.status).toBe(200);
  expect(JSON.parse(res.text)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  expect(res.headers['x-correlation-id']).toEqual(res.headers['x-amzn-requestid']);
});

it('refuses an unsigned write with API Gateway\'s 403, never reaching the function', async () => {
  const res = await send('POST', '/items', [JSON_TYPE], '{"name":"unsigned"}', true);

  expect(res.status).toBe(403);
  expect(JSON.parse(res.text)).toEqual({ message: 'Missing Authentication Token' });
  expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  expect(res.headers['x-correlation-id']).toBeUndefined(); // set by the function only
  expect(records.at(-1)).toMatchObject({ statusCode: 403, invoked: false });
});

it('creates an item with signedFetch (the AWS SDK signer) and lists it with a signed query string', async () => {
  const created = await signedFetch(`${gateway.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"signed"}' }, signing);
  const item = (await created.json()) as { id: number };
  const list = await signedFetch(`${gateway.url}/items?limit=100`, {}, signing);

  expect(created.status).toBe(201);
  expect(list.status).toBe(200);
  expect(((await list.json()) as { items: Array<{ id: number }> }).items.map((i) => i.id)).toContain(item.id);
});

it('creates and reads an item over HTTP, with a Location under the stage', async () => {
  const created = await send('POST', '/items', [JSON_TYPE], JSON.stringify({ name: "O'Reilly; --" }));
  const location = String(created.headers['location']);
  const got = await send('GET', location.replace(/^\/dev/, ''));

  expect(created.status).toBe(201);
  expect(location).toMatch(/^\/dev\/items\/\d+$/);
  expect(JSON.parse(got.text)).toMatchObject({ name: "O'Reilly; --" });
});

it('sends 405 with Allow and 404 as JSON', async () => {
  const wrong = await send('PUT', '/items/1', [JSON_TYPE], '{}');
  const missing = await send('GET', '/no/such/route');

  expect(wrong.status).toBe(405);
  expect(wrong.headers['allow']).toBe('GET, PATCH, DELETE');
  expect(missing.status).toBe(404);
  expect(JSON.parse(missing.text)).toEqual({ error: { code: 'route_not_found', message: 'no route for GET /no/such/route' } });
});

it('takes the last of repeated content-type headers, as API Gateway does', async () => {
  const res = await send('POST', '/items', [['content-type', 'text/plain'], JSON_TYPE], '{"name":"repeated"}');

  expect(res.status).toBe(201);
});

it('answers a body over the limit with 413 and a binary body with 422', async () => {
  const big = await send('POST', '/items', [JSON_TYPE], JSON.stringify({ name: 'x', description: '€'.repeat(6_000) }));
  const binary = await send('POST', '/items', [JSON_TYPE], Buffer.from([0xff, 0xfe, 0x00, 0x7b]));

  expect(big.status).toBe(413);
  expect(binary.status).toBe(422);
});

it('answers a percent-encoded id as an unknown item (REST APIs do not decode paths)', async () => {
  const res = await send('GET', '/items/%31');

  expect(res.status).toBe(404);
  expect(JSON.parse(res.text)).toEqual({ error: { code: 'not_found', message: 'item %31 does not exist' } });
});

it('refuses two Idempotency-Key header lines rather than picking one', async () => {
  const res = await send('POST', '/items', [JSON_TYPE, ['Idempotency-Key', 'k-a'], ['Idempotency-Key', 'k-b']], '{"name":"twice"}');

  expect(res.status).toBe(422);
  expect(JSON.parse(res.text)).toEqual({ error: { code: 'invalid_input', message: 'invalid Idempotency-Key header', details: [{ path: 'Idempotency-Key', message: 'must be given once' }] } });
});
