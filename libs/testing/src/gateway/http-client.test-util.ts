import { request, type Agent } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { GatewayInvoke } from './types';

export interface RawResponse {
  status: number;
  /** Header lines as received: names in their case, repeated headers repeated. */
  rawHeaders: Array<[string, string]>;
  body: Buffer;
  /** Every value of a header, any case. */
  header(name: string): string[];
  json<T = unknown>(): T;
}

export interface RawRequest {
  method?: string;
  /** Header lines sent as given: names keep their case, a name may repeat. */
  headers?: Array<[string, string]>;
  body?: string | Buffer;
  /** Send the body with chunked encoding (no Content-Length). */
  chunked?: boolean;
  agent?: Agent;
}

/** One request over node:http, where header case and repetition are under the test's control. */
export function send(url: string, options: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const given = options.headers ?? [];
    // With header lines given as an array node adds none of its own: Host is required by HTTP/1.1.
    const host = given.some(([name]) => name.toLowerCase() === 'host') ? [] : ['Host', new URL(url).host];
    const headers = [...host, ...given.flat()];
    if (options.body !== undefined && !options.chunked) {
      headers.push('Content-Length', String(Buffer.byteLength(options.body)));
    }
    const req = request(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const rawHeaders: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          rawHeaders.push([res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '']);
        }
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          rawHeaders,
          body,
          header: (name) => rawHeaders.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
          json: <T>() => JSON.parse(body.toString('utf8')) as T,
        });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** An invoke that answers with the event it received, for asserting the conversion. */
export const echo: GatewayInvoke = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(event),
});

/** The event an {@link echo} gateway received. */
export function eventFrom(response: RawResponse): APIGatewayProxyEvent {
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${response.body.toString()}`);
  return response.json<APIGatewayProxyEvent>();
}

/** An invoke that returns a fixed result, whatever its shape. */
export const returning =
  (result: unknown): GatewayInvoke =>
  async () =>
    result as APIGatewayProxyResult;

/** A logger that keeps what it is given. */
export function captureLogger() {
  const lines: Array<{ message: string; attributes: Array<Record<string, unknown>> }> = [];
  return {
    lines,
    error: (message: string, ...attributes: Array<Record<string, unknown>>) => {
      lines.push({ message, attributes });
    },
  };
}
