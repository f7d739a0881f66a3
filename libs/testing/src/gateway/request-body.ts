import type { IncomingMessage } from 'node:http';

/** The request body is larger than the gateway accepts (API Gateway's REQUEST_TOO_LARGE). */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole body, refusing it as soon as it is known to be too large: from `Content-Length`
 * before reading anything, otherwise once the bytes read pass the limit. The rest of an oversized
 * body is read and dropped (never buffered) so the 413 can still be written on the connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = (): void => {
      refused = true;
      chunks.length = 0;
      reject(new BodyTooLargeError(maxBytes));
    };
    if (Number.isFinite(declared) && declared > maxBytes) refuse();
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) refuse();
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    // After 'end' this is a no-op; before it, the client went away mid-body.
    req.once('close', () => reject(new Error('The client closed the connection before the body was complete')));
  });
}
