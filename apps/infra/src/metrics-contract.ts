import { join } from 'node:path';
import { readApiManifest, ROUTE_MANIFEST } from './routes';

/** The units a CloudWatch metric may have (`MetricDatum.Unit`). */
export const CLOUDWATCH_UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds',
  'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits',
  'Percent', 'Count',
  'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second',
  'Count/Second', 'None',
] as const;

/** A value of {@link CLOUDWATCH_UNITS}. */
export type CloudWatchUnit = (typeof CLOUDWATCH_UNITS)[number];

/**
 * The api's own CloudWatch metrics as its build output declares them (`routes.json`'s `metrics`, written from
 * `apps/api/src/observability/metrics-contract.ts`): what infra alarms on and charts, never named again here.
 */
export interface ApiMetricsContract {
  /** The custom namespace (never `AWS/...`). */
  namespace: string;
  /** The value of the service dimension, e.g. `api`. */
  service: string;
  /**
   * The names of the two dimensions every metric has, from the contract's `dimensions` in its order: the first
   * holds {@link service}, the second the stage name.
   */
  dimensions: { service: string; stage: string };
  /** Extra dimensions of the per-route series (charted, never alarmed on). */
  routeDimensions: string[];
  /** Metric name → unit. */
  metrics: Record<string, CloudWatchUnit>;
}

/** Metric and dimension names: a letter, then letters, digits, `_`, `.` or `-` (at most 255). */
const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,254}$/;
/** CloudWatch's namespace characters (at most 255). */
const NAMESPACE = /^[A-Za-z0-9.\-_/#:]{1,255}$/;

function invalid(source: string, message: string): Error {
  return new Error(`${source}: the api's metrics contract (\`metrics\`): ${message}`);
}

function names(source: string, field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((n) => typeof n !== 'string' || !NAME.test(n))) {
    throw invalid(source, `${field} must be a list of names (a letter, then letters, digits, _ . -), got ${JSON.stringify(value)}`);
  }
  if (new Set(value).size !== value.length) throw invalid(source, `${field} has a name twice: ${JSON.stringify(value)}`);
  return value as string[];
}

/**
 * Validates the `metrics` part of a route manifest, failing with a message that names the source and the bad
 * field.
 *
 * @example
 * parseMetricsContract({ namespace: 'ServerlessApp', service: 'api', dimensions: ['service', 'stage'], routeDimensions: [], metrics: { Requests: 'Count' } });
 */
export function parseMetricsContract(json: unknown, source = ROUTE_MANIFEST): ApiMetricsContract {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalid(source, `expected { "namespace", "service", "dimensions", "routeDimensions", "metrics" }, got ${JSON.stringify(json)}`);
  }
  const { namespace, service, dimensions, routeDimensions, metrics } = json as Record<string, unknown>;
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || namespace.startsWith('AWS/')) {
    throw invalid(source, `namespace must be a CloudWatch namespace of our own (1–255 of A-Z a-z 0-9 . - _ / # :, not AWS/...), got ${JSON.stringify(namespace)}`);
  }
  if (typeof service !== 'string' || !NAME.test(service)) throw invalid(source, `service must be a name (a letter, then letters, digits, _ . -), got ${JSON.stringify(service)}`);
  const dimensionNames = names(source, 'dimensions', dimensions);
  if (dimensionNames.length !== 2) {
    throw invalid(source, `dimensions must name exactly two dimensions, the service's then the stage's, got ${JSON.stringify(dimensions)}`);
  }
  const extra = names(source, 'routeDimensions', routeDimensions);
  const shared = extra.filter((n) => dimensionNames.includes(n));
  if (shared.length > 0) throw invalid(source, `routeDimensions repeats ${shared.join(', ')} of dimensions`);
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics) || Object.keys(metrics).length === 0) {
    throw invalid(source, `metrics must be an object of at least one metric name → unit, got ${JSON.stringify(metrics)}`);
  }
  for (const [name, unit] of Object.entries(metrics)) {
    if (!NAME.test(name)) throw invalid(source, `metric name ${JSON.stringify(name)} is not a name (a letter, then letters, digits, _ . -)`);
    if (!CLOUDWATCH_UNITS.includes(unit as CloudWatchUnit)) throw invalid(source, `the unit of ${name} must be a CloudWatch unit (Count, Milliseconds, ...), got ${JSON.stringify(unit)}`);
  }
  return {
    namespace,
    service,
    dimensions: { service: dimensionNames[0] as string, stage: dimensionNames[1] as string },
    routeDimensions: extra,
    metrics: { ...(metrics as Record<string, CloudWatchUnit>) },
  };
}

/**
 * The metrics contract of an api build output: `routes.json`'s `metrics`, written by `api:build`.
 *
 * @example
 * const contract = apiMetricsContract(join(workspaceRoot, 'dist/apps/api'));
 */
export function apiMetricsContract(apiAssetDir: string): ApiMetricsContract {
  const file = join(apiAssetDir, ROUTE_MANIFEST);
  const manifest = readApiManifest(file) as { metrics?: unknown } | null;
  if (manifest?.metrics === undefined) throw invalid(file, 'missing; rebuild the api (`npx nx run api:build`), whose route manifest carries it');
  return parseMetricsContract(manifest.metrics, file);
}

/**
 * Checks that the contract has a metric infra relies on, e.g. one it alarms on; a rename in the api then fails
 * synthesis here, not silently in CloudWatch.
 *
 * @example
 * requireApiMetric(contract, 'StatementOutcomeUnknown'); // 'StatementOutcomeUnknown'
 */
export function requireApiMetric(contract: ApiMetricsContract, name: string): string {
  if (!Object.hasOwn(contract.metrics, name)) {
    throw new Error(`The api's metrics contract has no metric ${name}, which infra alarms on (it has: ${Object.keys(contract.metrics).join(', ')}); rename it in both places`);
  }
  return name;
}
