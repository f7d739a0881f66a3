import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { readClaim, type SigV4Claim } from './sigv4-claim';
import { formatAmzDate, parseAmzDate, signerQuery } from './sigv4-request';
import { expectedSignature, mismatchMessage, type ReceivedSignedRequest } from './sigv4-verify';

const credentials = { accessKeyId: 'AKIALOCALTEST0000001', secretAccessKey: 'secret' };
const signingDate = new Date(Date.UTC(2026, 1, 11, 20, 55, 29));
const sdk = new SignatureV4({ credentials, region: 'us-east-1', service: 'execute-api', sha256: Sha256, applyChecksum: false });
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What the gateway receives for a request the SDK signed: its raw path and query, its headers as lines. */
async function received(rawPath: string, rawQuery: string): Promise<{ request: ReceivedSignedRequest; claim: SigV4Claim }> {
  const signed = await sdk.sign(
    { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', path: rawPath, query: signerQuery(rawQuery), headers: { host: '127.0.0.1:3000' } },
    { signingDate },
  );
  const headers = new Map(Object.entries(signed.headers).map(([name, value]): [string, string[]] => [name, [value]]));
  const read = readClaim(headers, new Map());
  if (read.kind !== 'claim') throw new Error(`expected a claim, got ${JSON.stringify(read)}`);
  return { request: { method: 'GET', rawPath, rawQuery, headers, body: Buffer.alloc(0) }, claim: read.claim };
}

describe('expectedSignature and mismatchMessage', () => {
  it('recompute the SDK signature from the raw path and query, and explain it with the canonical request it signed', async () => {
    const { request, claim } = await received('/dev/items/a%20b', 'b=2&a=x%20y&a=1&flag');

    const expected = await expectedSignature(request, claim, credentials, signingDate);
    const message = await mismatchMessage(request, claim, credentials, signingDate);
    const stringToSign = /The String-to-Sign should have been\n'([^']*)'/.exec(message)?.[1] ?? '';

    expect(expected).toEqual({ signature: claim.signature, signedHeaders: 'host;x-amz-date' });
    expect(message).toContain(
      [
        "The Canonical String for this request should have been\n'GET",
        '/dev/items/a%2520b', // SigV4 encodes the (already encoded) path once more for every service but S3
        'a=1&a=x%20y&b=2&flag=',
        'host:127.0.0.1:3000',
        'x-amz-date:20260211T205529Z',
        '',
        'host;x-amz-date',
        `${EMPTY_SHA256}'`,
      ].join('\n'),
    );
    // The explanation is what the signer really signs: its string-to-sign yields the same signature.
    expect(await sdk.sign(stringToSign, { signingDate })).toBe(claim.signature);
  });
});

describe('signerQuery', () => {
  it('decodes keys and values, keeps a plus a plus, groups repeats and drops omitted keys', () => {
    expect(signerQuery('b=2&a=x%20y&a=1&flag&p=a+b&bad=%zz&&X-Amz-Signature=s', new Set(['X-Amz-Signature']))).toEqual({
      b: '2',
      a: ['x y', '1'],
      flag: '',
      p: 'a+b',
      bad: '%zz',
    });
    expect(Object.keys(signerQuery('__proto__=x'))).toEqual(['__proto__']);
  });
});

describe('formatAmzDate and parseAmzDate', () => {
  it('round-trip the ISO-8601 basic format and refuse anything else', () => {
    expect(formatAmzDate(signingDate)).toBe('20260211T205529Z');
    expect(parseAmzDate('20260211T205529Z')?.getTime()).toBe(signingDate.getTime());
    for (const text of ['2026-02-11T20:55:29Z', '20260231T000000Z', '20260211T205529', ' 20260211T205529Z']) {
      expect(parseAmzDate(text)).toBeUndefined();
    }
  });
});
