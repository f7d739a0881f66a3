const INFO_ON: ReadonlySet<string> = new Set(['TRACE', 'DEBUG', 'INFO']);

/**
 * The one INFO line per request, written directly as a JSON line shaped like
 * Powertools' (level, message, timestamp, service, function_request_id,
 * correlation_id) plus the status. Built by hand because a Powertools log item
 * costs about as much as the database round trip of `GET /` (measured in the
 * `warm` bench section). `level` is the logger's level, read once at cold
 * start: above INFO, it is a no-op. No path, no values: only ids API Gateway
 * and Lambda made and the status.
 *
 * @example
 * const served = requestLine('serverless-app-api', logger.getLevelName());
 * served(200, 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', context.awsRequestId);
 */
export function requestLine(
  service: string,
  level: string,
  write: (line: string) => unknown = (line) => process.stdout.write(line),
  now: () => number = Date.now,
): (status: number, correlationId: string | undefined, requestId: string | undefined) => void {
  if (!INFO_ON.has(level)) return () => undefined;
  const head = `{"level":"INFO","message":"request served","service":${JSON.stringify(service)},"timestamp":"`;
  const timestamp = isoTimestamps();
  return (status, correlationId, requestId) => {
    let line = `${head}${timestamp(now())}","status":${status}`;
    if (typeof requestId === 'string') line += `,"function_request_id":${jsonString(requestId)}`;
    if (typeof correlationId === 'string') line += `,"correlation_id":${jsonString(correlationId)}`;
    write(`${line}}\n`);
  };
}

/**
 * `JSON.stringify(value)`, skipped for the ids that need no escaping (printable ASCII without `"` or `\`, as
 * API Gateway and Lambda make them): it is a fifth of the line's cost.
 */
function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(value);
  }
  return `"${value}"`;
}

/**
 * `new Date(ms).toISOString()` at a fraction of its cost (which is most of the line's): the date, hour and
 * minute are formatted once per minute, seconds and milliseconds by arithmetic.
 *
 * @example
 * const iso = isoTimestamps(); iso(Date.now()); // '2026-11-30T22:31:20.201Z'
 */
export function isoTimestamps(): (ms: number) => string {
  let minute = Number.NaN;
  let prefix = '';
  return (ms) => {
    const start = ms - (((ms % 60_000) + 60_000) % 60_000);
    if (start !== minute) {
      minute = start;
      prefix = new Date(start).toISOString().slice(0, 17); // 'YYYY-MM-DDTHH:MM:'
    }
    const within = ms - start;
    const seconds = Math.floor(within / 1000);
    const millis = within % 1000;
    return `${prefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  };
}
