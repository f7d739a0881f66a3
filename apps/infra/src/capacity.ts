/**
 * How many concurrent api Lambdas the database can serve, derived from the instance class.
 *
 * The chain: RDS for MySQL's default `max_connections` is `{DBInstanceClassMemory/12582880}`; the proxy may
 * open `maxConnectionsPercent` of those; every in-flight api invocation needs at most one database connection
 * (one request per execution environment, statements one after another; the client pool's idle second
 * connection costs the proxy nothing, because the proxy multiplexes idle client connections onto none).
 * So the Lambda's reserved concurrency is the proxy's connections minus those other proxy clients need
 * (the migration function), capped by the account's concurrency budget. At that concurrency a request never
 * waits for a borrow — unless sessions get pinned, which is why pinning has an alarm.
 */

/** Bytes per connection in RDS for MySQL's default `max_connections` formula. */
export const MYSQL_BYTES_PER_CONNECTION = 12_582_880;

/**
 * `DBInstanceClassMemory` is the instance's memory less what the OS and the RDS processes use. AWS does not
 * publish it per class; 75 % of the nominal memory is a conservative estimate (the `max_connections` commonly
 * reported for a 1 GiB `db.t2.micro` is 66, for a 4 GiB `db.t2.medium` 312; 75 % gives 64 and 255).
 */
export const USABLE_MEMORY_FRACTION = 0.75;

const GIB = 1024 ** 3;

/** Nominal memory of the Graviton instance classes this app is sized for, in GiB. */
const INSTANCE_MEMORY_GIB: Readonly<Record<string, number>> = {
  't4g.micro': 1,
  't4g.small': 2,
  't4g.medium': 4,
  't4g.large': 8,
  'm7g.large': 8,
  'm7g.xlarge': 16,
  'r7g.large': 16,
  'r7g.xlarge': 32,
};

/**
 * The nominal memory of an RDS instance class, in GiB.
 *
 * @example
 * instanceMemoryGiB('t4g.micro'); // 1
 */
export function instanceMemoryGiB(instanceType: string): number {
  const memory = Object.hasOwn(INSTANCE_MEMORY_GIB, instanceType) ? INSTANCE_MEMORY_GIB[instanceType] : undefined;
  if (memory === undefined) {
    throw new Error(
      `No memory size known for instance class "${instanceType}"; add it to INSTANCE_MEMORY_GIB in capacity.ts (known: ${Object.keys(INSTANCE_MEMORY_GIB).join(', ')})`,
    );
  }
  return memory;
}

/**
 * RDS for MySQL's default `max_connections` for an instance class (estimated, see {@link USABLE_MEMORY_FRACTION}).
 *
 * @example
 * mysqlDefaultMaxConnections('t4g.micro'); // 64
 */
export function mysqlDefaultMaxConnections(instanceType: string): number {
  return Math.floor((instanceMemoryGiB(instanceType) * GIB * USABLE_MEMORY_FRACTION) / MYSQL_BYTES_PER_CONNECTION);
}

/** What {@link planConcurrency} needs. */
export interface ConcurrencyInputs {
  /** RDS instance class, e.g. `t4g.micro`. */
  instanceType: string;
  /** The proxy's `MaxConnectionsPercent` (1–100). */
  maxConnectionsPercent: number;
  /** Proxy connections kept for clients other than the api Lambda (the migration function). */
  reservedConnections: number;
  /** The account's budget for this function (see `StageConfig.maxLambdaConcurrency`). */
  maxLambdaConcurrency: number;
}

/** The result of {@link planConcurrency}, every step kept so it can be shown and tested. */
export interface ConcurrencyPlan {
  dbMaxConnections: number;
  proxyMaxConnections: number;
  /** The api Lambda's reserved concurrency. */
  lambdaConcurrency: number;
  /** Which bound decided `lambdaConcurrency`. */
  limitedBy: 'proxy' | 'account';
}

/**
 * Sizes the api Lambda's reserved concurrency against what the proxy can serve:
 * `min(floor(max_connections × maxConnectionsPercent / 100) − reservedConnections, maxLambdaConcurrency)`.
 *
 * @example
 * planConcurrency({ instanceType: 't4g.micro', maxConnectionsPercent: 90, reservedConnections: 2, maxLambdaConcurrency: 50 });
 * // { dbMaxConnections: 64, proxyMaxConnections: 57, lambdaConcurrency: 50, limitedBy: 'account' }
 */
export function planConcurrency(inputs: ConcurrencyInputs): ConcurrencyPlan {
  const { maxConnectionsPercent, reservedConnections, maxLambdaConcurrency } = inputs;
  if (!Number.isInteger(maxConnectionsPercent) || maxConnectionsPercent < 1 || maxConnectionsPercent > 100) {
    throw new RangeError(`maxConnectionsPercent must be an integer from 1 to 100, got ${maxConnectionsPercent}`);
  }
  if (!Number.isInteger(maxLambdaConcurrency) || maxLambdaConcurrency < 1) {
    throw new RangeError(`maxLambdaConcurrency must be a positive integer, got ${maxLambdaConcurrency}`);
  }
  const dbMaxConnections = mysqlDefaultMaxConnections(inputs.instanceType);
  const proxyMaxConnections = Math.floor((dbMaxConnections * maxConnectionsPercent) / 100);
  const servable = proxyMaxConnections - reservedConnections;
  if (servable < 1) {
    throw new RangeError(
      `${inputs.instanceType} gives the proxy ${proxyMaxConnections} connections, none left for the api after ${reservedConnections} reserved; choose a larger instance class`,
    );
  }
  return servable <= maxLambdaConcurrency
    ? { dbMaxConnections, proxyMaxConnections, lambdaConcurrency: servable, limitedBy: 'proxy' }
    : { dbMaxConnections, proxyMaxConnections, lambdaConcurrency: maxLambdaConcurrency, limitedBy: 'account' };
}

/** API Gateway stage throttling. */
export interface ApiThrottle {
  /** Steady-state requests per second. */
  rateLimit: number;
  /** Requests that may arrive at once (the token bucket's size). */
  burstLimit: number;
}

/**
 * Throttles the API so it never sends the Lambda more concurrent requests than it has reserved, which the
 * Lambda would reject with a throttle (a 500 at the gateway) instead of a clean 429 from API Gateway.
 * By Little's law, in-flight = rate × latency, so `rateLimit = concurrency / latency`; `burstLimit = concurrency`.
 *
 * @param latencySeconds the api's expected p99 latency
 * @example
 * apiThrottle(50, 0.25); // { rateLimit: 200, burstLimit: 50 }
 */
export function apiThrottle(concurrency: number, latencySeconds: number): ApiThrottle {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  if (!(latencySeconds > 0)) throw new RangeError(`latencySeconds must be positive, got ${latencySeconds}`);
  return { rateLimit: Math.floor(concurrency / latencySeconds), burstLimit: concurrency };
}

/** Concurrency Lambda keeps unreserved in every account and region. */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;

/** What {@link checkReservedConcurrency} checks. */
export interface ReservationInputs {
  /** The stage asking, for the message. */
  stage: string;
  /** The concurrency to reserve. */
  executions: number;
  /** What the proxy can serve (`planConcurrency().lambdaConcurrency`). */
  plannedConcurrency: number;
  /** The account's declared regional concurrency quota. */
  accountQuota: number;
}

/**
 * Checks a stage's reserved concurrency before anything is deployed: a whole number ≥ 1, no more than the proxy
 * can serve, and no more than the account can reserve (`quota − 100`; a deployment asking more fails with
 * "decreases account's UnreservedConcurrentExecution below its minimum value"). Returns the executions.
 *
 * @example
 * checkReservedConcurrency({ stage: 'prod', executions: 500, plannedConcurrency: 500, accountQuota: 1000 }); // 500
 * checkReservedConcurrency({ stage: 'dev', executions: 1, plannedConcurrency: 50, accountQuota: 10 }); // throws
 */
export function checkReservedConcurrency({ stage, executions, plannedConcurrency, accountQuota }: ReservationInputs): number {
  if (!Number.isInteger(executions) || executions < 1) throw new RangeError(`${stage}: reserved concurrency must be a positive integer, got ${executions}`);
  if (executions > plannedConcurrency) {
    throw new RangeError(`${stage}: reserved concurrency ${executions} is more than the proxy can serve (${plannedConcurrency}); lower it or choose a larger instance class`);
  }
  const reservable = accountQuota - UNRESERVED_CONCURRENCY_MINIMUM;
  if (executions > reservable) {
    throw new RangeError(
      `${stage}: reserved concurrency ${executions} does not fit the declared account quota of ${accountQuota} (Lambda keeps ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved, so at most ${Math.max(0, reservable)} can be reserved); ask for a quota increase and declare it in stages.ts, or reserve none`,
    );
  }
  return executions;
}
