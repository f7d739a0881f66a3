import { isoTimestamp } from '../kit/iso-time';

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
  return (status, correlationId, requestId) => {
    let line = `${head}${isoTimestamp(now())}","status":${status}`;
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
