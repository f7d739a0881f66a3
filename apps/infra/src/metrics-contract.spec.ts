import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiMetricsContract, parseMetricsContract, requireApiMetric } from './metrics-contract';
import { ROUTE_MANIFEST } from './routes';
import { FIXTURE_METRICS, FIXTURE_METRICS_JSON, FIXTURE_ROUTES, standInApiAsset, workspaceRoot } from './test-app.test-util';

const valid = { namespace: 'App', service: 'api', dimensions: ['service', 'stage'], routeDimensions: ['route'], metrics: { Requests: 'Count', PoolWaitMs: 'Milliseconds' } };

describe('parseMetricsContract', () => {
  it('reads the namespace, the service, which dimension holds the service and which the stage, and the metrics', () => {
    expect(parseMetricsContract(valid)).toEqual({
      namespace: 'App',
      service: 'api',
      dimensions: { service: 'service', stage: 'stage' },
      routeDimensions: ['route'],
      metrics: { Requests: 'Count', PoolWaitMs: 'Milliseconds' },
    });
  });

  it('takes the dimension names in the contract\'s order, whatever they are called', () => {
    expect(parseMetricsContract({ ...valid, dimensions: ['env', 'svc'] }).dimensions).toEqual({ service: 'env', stage: 'svc' });
  });

  it.each([
    [null, /expected \{ "namespace"/],
    [[], /expected \{ "namespace"/],
    [{ ...valid, namespace: undefined }, /namespace must be/],
    [{ ...valid, namespace: 'AWS/Lambda' }, /namespace must be .*not AWS\//],
    [{ ...valid, namespace: 'has space' }, /namespace must be/],
    [{ ...valid, service: '' }, /service must be a name/],
    [{ ...valid, service: 7 }, /service must be a name/],
    [{ ...valid, dimensions: 'service' }, /dimensions must be a list of names/],
    [{ ...valid, dimensions: ['service'] }, /dimensions must name exactly two dimensions/],
    [{ ...valid, dimensions: ['service', 'stage', 'route'] }, /dimensions must name exactly two dimensions/],
    [{ ...valid, dimensions: ['service', 'service'] }, /dimensions has a name twice/],
    [{ ...valid, dimensions: ['service', '1stage'] }, /dimensions must be a list of names/],
    [{ ...valid, routeDimensions: undefined }, /routeDimensions must be a list of names/],
    [{ ...valid, routeDimensions: ['stage'] }, /routeDimensions repeats stage of dimensions/],
    [{ ...valid, metrics: {} }, /metrics must be an object of at least one metric/],
    [{ ...valid, metrics: ['Requests'] }, /metrics must be an object/],
    [{ ...valid, metrics: { 'Bad Name': 'Count' } }, /metric name "Bad Name" is not a name/],
    [{ ...valid, metrics: { Requests: 'count' } }, /the unit of Requests must be a CloudWatch unit/],
    [{ ...valid, metrics: { Requests: 'Milliseconds', Latency: 'ms' } }, /the unit of Latency must be a CloudWatch unit .* got "ms"/],
  ])('rejects %j, naming the source and the contract', (json, message) => {
    expect(() => parseMetricsContract(json, 'test.json')).toThrow(message);
    expect(() => parseMetricsContract(json, 'test.json')).toThrow(/^test\.json: the api's metrics contract \(`metrics`\): /);
  });
});

describe('requireApiMetric', () => {
  it('returns a metric the contract has, and fails naming the metric and what the contract has otherwise', () => {
    expect(requireApiMetric(FIXTURE_METRICS, 'StatementOutcomeUnknown')).toBe('StatementOutcomeUnknown');
    expect(() => requireApiMetric(FIXTURE_METRICS, 'StatementOutcomeUnkown')).toThrow(
      `The api's metrics contract has no metric StatementOutcomeUnkown, which infra alarms on (it has: ${Object.keys(FIXTURE_METRICS_JSON.metrics).join(', ')})`,
    );
  });
});

describe('apiMetricsContract (how main.ts reads the build output)', () => {
  const dirs: string[] = [];
  const assetDir = (manifest: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-metrics-'));
    dirs.push(dir);
    writeFileSync(join(dir, ROUTE_MANIFEST), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('reads the metrics of the routes.json of an api build output', () => {
    expect(apiMetricsContract(standInApiAsset())).toEqual(FIXTURE_METRICS);
  });

  it('names the file and the command that writes it when the manifest has no metrics (an api built before the contract)', () => {
    const dir = assetDir({ routes: FIXTURE_ROUTES });

    expect(() => apiMetricsContract(dir)).toThrow(`${join(dir, ROUTE_MANIFEST)}: the api's metrics contract (\`metrics\`): missing; rebuild the api (\`npx nx run api:build\`)`);
  });

  it('refuses a manifest that is not JSON, or a contract that is not valid, naming the file', () => {
    const broken = assetDir('{"metrics": {');
    const invalid = assetDir({ routes: FIXTURE_ROUTES, metrics: { ...valid, namespace: 'AWS/RDS' } });

    expect(() => apiMetricsContract(broken)).toThrow(/^Cannot read the api routes from/);
    expect(() => apiMetricsContract(invalid)).toThrow(new RegExp(`^${join(invalid, ROUTE_MANIFEST)}: the api's metrics contract`));
  });

  it('accepts the contract the api writes today, which has every metric infra alarms on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-api-manifest-'));
    dirs.push(dir);
    const file = join(dir, ROUTE_MANIFEST);
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), join(workspaceRoot, 'apps/api/src/route-table.main.ts'), '--manifest', file], { encoding: 'utf8', timeout: 120_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });

    const contract = parseMetricsContract(JSON.parse(readFileSync(file, 'utf8')).metrics, file);

    for (const name of ['CredentialRefreshFailures', 'StatementOutcomeUnknown']) expect(requireApiMetric(contract, name)).toBe(name);
  }, 180_000);
});
