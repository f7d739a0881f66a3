/**
 * Bench section `warm`: the api handler's warm overhead over a raw mysql2 pool making the same round trips,
 * measured in one process, interleaved in blocks, against one throwaway MariaDB.
 */
import { createHandler, loadConfig } from '@serverless-app/api';
import { lambdaContext, restApiEvent, TEST_IAM_CALLER } from '@serverless-app/testing';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createPool, type Pool } from 'mysql2';
import { createPool as createPromisePool } from 'mysql2/promise';
import { interleave, type Measured, type Variant } from './interleave';
import { captureLogLines } from './log-sink';
import type { BenchSection } from './section';
import { summarise } from './stats';
import { startBenchBackend } from './world';

const REQUESTS = Number(process.env['BENCH_WARM_REQUESTS'] ?? 3000);
const BLOCK = 50;
const WARM_UP = 2000;
/** The api's LOG_LEVEL during the run (INFO: one line per request, as deployed). */
const LOG_LEVEL = process.env['BENCH_LOG_LEVEL'] ?? 'INFO';

/** A goal: the api's p50 at most `max` times the raw statement's p50. */
interface Comparison {
  route: string;
  raw: string;
  max: number;
  api: Variant;
  floor: Variant;
  /** The same statement through mysql2's promise API (`mysql2/promise`), as application code usually sends it. */
  promiseFloor: Variant;
}

const ms = (n: number) => (n * 1000).toFixed(0);

function rawQuery(pool: Pool, sql: string, values: unknown[] = []): Promise<unknown> {
  return new Promise((resolve, reject) => pool.query({ sql, values }, (err, rows) => (err ? reject(err) : resolve(rows))));
}

/** A handler variant whose events and contexts are built before each block, outside the timed region. */
function apiVariant(name: string, handler: (e: APIGatewayProxyEvent, c: Context) => Promise<{ statusCode: number }>, event: () => APIGatewayProxyEvent, status: number): Variant {
  let inputs: Array<[APIGatewayProxyEvent, Context]> = [];
  return {
    name,
    prepare: (count) => (inputs = Array.from({ length: count }, () => [event(), lambdaContext({ timeoutMs: 10_000 })])),
    run: async (i) => {
      const [e, c] = inputs[i] as [APIGatewayProxyEvent, Context];
      const response = await handler(e, c);
      if (response.statusCode !== status) throw new Error(`${name}: status ${response.statusCode}`);
    },
  };
}

export const warmSection: BenchSection = {
  id: 'warm',
  title: 'Warm overhead of the api handler over a raw mysql2 pool',
  async run(progress) {
    progress('warm: starting MariaDB and the local Secrets Manager endpoint');
    const saved = { ...process.env };
    const backend = await startBenchBackend();
    const config = loadConfig({ ...backend.env(), NODE_ENV: 'production', LOG_LEVEL: LOG_LEVEL, STAGE: 'bench' });
    const handler = createHandler({ config });
    const { host, port, user, password, database } = backend.db.app;
    const pool = createPool({ host, port, user, password, database, connectionLimit: 1, dateStrings: false, timezone: 'Z' });
    const promisePool = createPromisePool({ host, port, user, password, database, connectionLimit: 1, dateStrings: false, timezone: 'Z' });
    try {
      const created = await handler(restApiEvent({ method: 'POST', path: '/items', body: { name: 'seed' }, iamCaller: TEST_IAM_CALLER }), lambdaContext());
      const itemId = (JSON.parse(created.body) as { id: number }).id;
      const insert = 'INSERT INTO items (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)';
      const comparisons: Comparison[] = [
        {
          route: 'GET /',
          raw: "pool.query('select now()')",
          max: 1.25,
          api: apiVariant('GET /', handler, () => restApiEvent({ path: '/' }), 200),
          floor: { name: 'raw now', run: () => rawQuery(pool, 'select now()') },
          promiseFloor: { name: 'promise now', run: () => promisePool.query('select now()') },
        },
        {
          route: 'GET /items/{id}',
          raw: 'SELECT … FROM items WHERE id = ?',
          max: 1.5,
          api: apiVariant('GET /items/{id}', handler, () => restApiEvent({ path: `/items/${itemId}`, route: '/items/{id}', iamCaller: TEST_IAM_CALLER }), 200),
          floor: { name: 'raw select', run: () => rawQuery(pool, 'SELECT id, name, description, created_at, updated_at FROM items WHERE id = ?', [itemId]) },
          promiseFloor: { name: 'promise select', run: () => promisePool.query('SELECT id, name, description, created_at, updated_at FROM items WHERE id = ?', [itemId]) },
        },
        {
          route: 'POST /items',
          raw: 'INSERT INTO items … VALUES (?, ?, ?, ?)',
          max: 1.5,
          api: apiVariant('POST /items', handler, () => restApiEvent({ method: 'POST', path: '/items', body: { name: 'bench', description: 'warm' }, iamCaller: TEST_IAM_CALLER }), 201),
          floor: { name: 'raw insert', run: () => rawQuery(pool, insert, ['bench', 'warm', new Date(), new Date()]) },
          promiseFloor: { name: 'promise insert', run: () => promisePool.query(insert, ['bench', 'warm', new Date(), new Date()]) },
        },
      ];
      // What the server-side time limit libs/db puts on each statement costs on this server by itself (MariaDB:
      // `SET STATEMENT max_statement_time=… FOR`; MySQL, as in AWS: an optimizer-hint comment, SELECT only).
      const limited = await interleave(
        [
          { name: 'plain', run: () => rawQuery(pool, 'select now()') },
          { name: 'limited', run: () => rawQuery(pool, 'SET STATEMENT max_statement_time=9.250 FOR select now()') },
        ],
        REQUESTS,
        BLOCK,
      );
      const plainP50 = summarise((limited.get('plain') as Measured).samples).p50;
      const limitedP50 = summarise((limited.get('limited') as Measured).samples).p50;
      const rows: string[] = [];
      let logLines = 0;
      for (const c of comparisons) {
        progress(`warm: ${c.route} against ${c.raw}, ${REQUESTS} each, blocks of ${BLOCK}`);
        await interleave([c.floor, c.promiseFloor, c.api], WARM_UP, BLOCK); // JIT, pool connections, secret in hand
        const sink = captureLogLines();
        let measured: Map<string, Measured>;
        try {
          measured = await interleave([c.floor, c.promiseFloor, c.api], REQUESTS, BLOCK);
        } finally {
          sink.restore();
        }
        logLines += sink.lines;
        const floor = measured.get(c.floor.name) as Measured;
        const api = measured.get(c.api.name) as Measured;
        const raw = summarise(floor.samples);
        const ours = summarise(api.samples);
        const ratio = ours.p50 / raw.p50;
        const promised = summarise((measured.get(c.promiseFloor.name) as Measured).samples);
        const promiseRatio = ours.p50 / promised.p50;
        const cpuRaw = floor.cpuMicros / REQUESTS;
        const cpuApi = api.cpuMicros / REQUESTS;
        rows.push(
          `| \`${c.route}\` | \`${c.raw}\` | ${ms(raw.p50)} | ${ms(raw.p99)} | ${ms(ours.p50)} | ${ms(ours.p99)} | ${ms(ours.p50 - raw.p50)} | **${ratio.toFixed(2)}×** | ≤ ${c.max}× ${ratio <= c.max ? 'met' : '**not met**'} | ${ms(promised.p50)} | ${promiseRatio.toFixed(2)}× (${promiseRatio <= c.max ? 'met' : 'not met'}) | ${cpuRaw.toFixed(0)} / ${cpuApi.toFixed(0)} (${(cpuApi / cpuRaw).toFixed(2)}×) |`,
        );
      }
      return [
        '### Method',
        '',
        `One Node ${process.version} process, one throwaway ${backend.db.version} on loopback (plaintext, as the local backend starts it). ` +
          'The floor is a raw mysql2 pool (callback API, one connection) sending the same statement — the strictest floor, and the ' +
          'one the goals are judged against; beside it, the same statement through `mysql2/promise` (one connection), as ' +
          'application code usually sends it. The api is `createHandler` ' +
          `as \`main.ts\` builds it (\`NODE_ENV=production\`, \`LOG_LEVEL=${LOG_LEVEL}\`, the secret from the local Secrets Manager endpoint, ` +
          'deadline from the Lambda context) called with a REST API event. Each pair runs in alternating blocks of ' +
          `${BLOCK} (raw ×${BLOCK}, promise API ×${BLOCK}, api ×${BLOCK}, …), ${REQUESTS} calls each after ${WARM_UP} warm-up calls; events and contexts are built ` +
          'before each block, outside the timed region. Log lines are written to a counting sink (in Lambda the runtime reads ' +
          `stdout): ${logLines} lines for ${comparisons.length * REQUESTS} api requests.`,
        '',
        '### Figures (µs)',
        '',
        '| route | raw statement | raw p50 | raw p99 | api p50 | api p99 | api − raw p50 | ratio p50 | goal (vs raw) | promise-API p50 | ratio vs promise API | CPU per request raw / api |',
        '|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
        ...rows,
        '',
        `The server-side time limit alone, raw: \`select now()\` p50 ${ms(plainP50)} µs, with MariaDB's ` +
          `\`SET STATEMENT max_statement_time=9.250 FOR\` in front ${ms(limitedP50)} µs (+${ms(limitedP50 - plainP50)} µs per statement). ` +
          'On MySQL, the engine in AWS, libs/db writes the limit as an optimizer-hint comment instead.',
        '',
        '### Discussion',
        '',
        'Per request the api does, beyond the raw statement: the Middy chain (its four middlewares run as one, ' +
          '`combined()`, since Middy awaits each middleware function: metrics counted, the Lambda context and correlation ' +
          'id recorded for the logger, the `x-correlation-id` header and one hand-built INFO line, `context.db()` with ' +
          'the invocation\'s deadline, the error mapping idle unless something throws; no early-timeout timer), the ' +
          'precompiled router, input validation and the JSON response, and in libs/db a retry budget, the statement\'s ' +
          'client-side time limit and the server-side one (`SET STATEMENT max_statement_time=… FOR` on MariaDB, the ' +
          'figure above). Removed from that path, each measured with `--cpu-prof` and side by side: Powertools\' ' +
          '`injectLambdaContext` and its `addContext`/`setCorrelationId` per invocation (each reads the environment; ' +
          'the context is now handed to the logger only when a line is written, `invocationLogger`); a Powertools log ' +
          'item per request (the line is built by hand, not at all above INFO); `Date#toISOString` (about 1 µs a call on ' +
          'Node 20: the line\'s timestamp and the items\' dates are formatted once per minute, `isoString`); a timer armed ' +
          'and cleared per statement (one shared timer per client, `StatementWatchdog`); mysql2\'s options form of ' +
          '`query()` (a spread per call); parsing each statement\'s leading keyword twice; re-analysing a statement text ' +
          'the pinning guard already passed; a `CAST` of `NOW()` on the server (dearer than the driver building a ' +
          '`Date`); the wait on the resolved credentials promise with its deadline timer; the acquire timer when an idle ' +
          'connection is at hand; closures and Maps allocated per call. No request waits on the secret cache: it is ' +
          'read synchronously once the pool exists. What remains are the behaviours the api must keep (deadline per ' +
          'invocation, statement time limits on client and server, safe errors, metrics, one log line). The goals ' +
          '(1.25× for `GET /`, 1.5× for the item routes, p50) are measured against a floor of one loopback round trip of ' +
          'some 50–100 µs, so 1.25× leaves 12–25 µs for all of it, of which the MariaDB time limit takes 4–8 (on MySQL, ' +
          'the engine in AWS, it is an optimizer hint instead, not measured here: no MySQL server on this machine). The CPU column shows how ' +
          'much of the gap is this process\'s own work. On a machine shared with other jobs the latency ratios move by ' +
          '±0.1–0.3 from run to run.',
        '',
      ].join('\n');
    } finally {
      await new Promise<void>((resolve) => pool.end(() => resolve()));
      await promisePool.end();
      await handler.dispose();
      await backend.stop();
      process.env = saved;
    }
  },
};
