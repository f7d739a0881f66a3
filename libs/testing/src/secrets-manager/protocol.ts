/**
 * The AWS JSON 1.1 wire format as the SDK speaks it: `POST /`, `X-Amz-Target: secretsmanager.<Action>`,
 * `Content-Type: application/x-amz-json-1.1`, a SigV4 `Authorization` header, JSON bodies. Errors go out as
 * status + `x-amzn-ErrorType` + `{"__type", "message", "Message"}`: the SDK takes the code from `__type` first
 * (then the header) and the text from `message` (or `Message`, the member its error shapes model).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAction, type SecretsManagerAction } from './actions';
import { SecretsManagerError, serializationError } from './errors';

const MAX_BODY_BYTES = 1024 * 1024;
const TARGET_PREFIX = 'secretsmanager.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/**
 * The shape of a SigV4 header: `AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request,
 * SignedHeaders=<a;b>, Signature=<hex>`. Only the shape is checked, never the signature.
 */
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 +Credential=[^/\s,]+\/\d{8}\/[^/\s,]+\/[^/\s,]+\/aws4_request *, *SignedHeaders=[^\s,]+ *, *Signature=[0-9a-f]+$/;

/** Reads the whole body. A body over 1 MiB is drained (so the client gets to read the answer) and refused. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size <= MAX_BODY_BYTES) {
        resolve(Buffer.concat(chunks));
        return;
      }
      reject(new SecretsManagerError('RequestEntityTooLargeException', 'Request body is too large.', { status: 413 }));
    });
    req.on('error', reject);
  });
}

/**
 * Checks method, path, authorization, target and content type, in that order, and returns the action named
 * by `X-Amz-Target`. Throws the error to answer with.
 */
export function checkRequest(req: IncomingMessage, requireAuthorization: boolean): SecretsManagerAction {
  if (req.method !== 'POST') {
    throw new SecretsManagerError('UnknownOperationException', `Method ${req.method} is not supported; use POST.`, {
      status: 405,
    });
  }
  if ((req.url ?? '/').split('?')[0] !== '/') {
    throw new SecretsManagerError('UnknownOperationException', `No operation at path ${req.url}.`, { status: 404 });
  }
  const authorization = req.headers.authorization;
  if (requireAuthorization && !authorization) {
    throw new SecretsManagerError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (requireAuthorization && !AUTHORIZATION.test(authorization ?? '')) {
    throw new SecretsManagerError(
      'IncompleteSignatureException',
      'The Authorization header must be AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature.',
    );
  }
  const target = req.headers['x-amz-target'];
  const action =
    typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (!isAction(action)) {
    throw new SecretsManagerError('UnknownOperationException', `Unknown operation: ${target ?? '(no X-Amz-Target)'}`);
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== CONTENT_TYPE) {
    throw serializationError(`Unsupported Content-Type '${contentType}'; use ${CONTENT_TYPE}.`);
  }
  return action;
}

/** Parses a request body: empty means `{}`; anything that is not JSON is a `SerializationException`. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SecretsManagerError('SerializationException', 'The request body is not valid JSON.', { cause: error });
  }
}

/** Writes a JSON response (unless the client is gone or an answer went out already). */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': String(Buffer.byteLength(payload)),
    'x-amzn-RequestId': randomUUID(),
    Date: new Date().toUTCString(),
    ...headers,
  });
  res.end(payload);
}

/** Writes a service error; a 405 also gets `Allow: POST`. */
export function sendError(res: ServerResponse, error: SecretsManagerError): void {
  const headers: Record<string, string> = { 'x-amzn-ErrorType': error.type };
  if (error.status === 405) headers['Allow'] = 'POST';
  send(res, error.status, { __type: error.type, message: error.message, Message: error.message }, headers);
}
