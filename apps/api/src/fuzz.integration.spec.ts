import type { HttpEventOptions, LocalBackend } from '@serverless-app/testing';
import fc from 'fast-check';
import { apiFor, captureLogs, startBackend } from './testing/api.test-util';

/** 1,000 runs in the suite; `nx run api:fuzz` runs 10,000. */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1_000);

jest.setTimeout(Math.max(120_000, RUNS * 100));

let backend: LocalBackend;
let api: ReturnType<typeof apiFor>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  backend = await startBackend();
  api = apiFor(backend);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await api?.dispose();
  await backend?.stop();
});

const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'FOO');
const path = fc.oneof(
  fc.constantFrom('/', '/health', '/items', '/items/', '/items/1', '/items/0', '/items/abc', '/items/1/x', '//items'),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  fc.string({ maxLength: 40 }).map((s) => `/items/${s}`),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `/${s}`),
);
const headerName = fc.oneof(fc.constantFrom('content-type', 'Content-Type', 'CONTENT-TYPE', 'idempotency-key', 'Idempotency-Key', 'accept'), fc.string({ minLength: 1, maxLength: 20 }));
const headerValue = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/vnd.api+json', ''),
  fc.string({ maxLength: 150 }),
);
const headers = fc.dictionary(headerName, fc.oneof(headerValue, fc.array(headerValue, { minLength: 1, maxLength: 3 })), { maxKeys: 4 });
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('limit', 'cursor'), fc.string({ maxLength: 10 })),
  fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 })),
  { maxKeys: 3 },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc.record({ name: fc.oneof(fc.string({ maxLength: 250 }), fc.integer(), fc.constant(null)), description: fc.option(fc.string({ maxLength: 50 })) }, { requiredKeys: [] }),
  fc.record({ name: fc.string({ minLength: 1, maxLength: 50 }), __proto__: fc.object() }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);
const request = fc.record({ method, path, headers, query, body }, { requiredKeys: ['method', 'path'] });

it(`never answers 5xx nor leaves an unhandled rejection, for any request (${RUNS} runs)`, async () => {
  const logs = captureLogs();
  try {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const res = await api.invoke(req as HttpEventOptions);
        return Number.isInteger(res.statusCode) && res.statusCode >= 200 && res.statusCode < 500 && typeof res.body === 'string';
      }),
      { numRuns: RUNS },
    );
  } finally {
    logs.restore();
  }
  expect(unhandled).toEqual([]);
});
