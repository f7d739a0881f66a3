import { banner, signedCurl } from './banner';
import type { StackInfo } from './stack-file';
import { sampleStackInfo } from './stack-info.test-util';

const info: StackInfo = sampleStackInfo({
  proxyHost: 'localhost',
  proxyPort: 40003,
  proxyCaFile: '/repo/.local/rds-proxy/1/ca.pem',
  proxyMetricsUrl: 'http://127.0.0.1:40004/metrics',
  pid: 1,
  routes: [
    { method: 'GET', path: '/', auth: 'none' },
    { method: 'GET', path: '/items', auth: 'iam' },
    { method: 'POST', path: '/items', auth: 'iam' },
  ],
  credentials: { accessKeyId: 'AKIALOCALEXAMPLE0001', secretAccessKey: 'a/b+cSecret' },
});

describe('banner', () => {
  const text = banner(info, { workspaceRoot: '/repo', stackFile: '/repo/.local/stack.json' });

  it('tells public routes from signed ones and names the access key, not the secret', () => {
    expect(text).toContain('  Routes           GET /\n');
    expect(text).toContain('  Signed (IAM)     GET /items, POST /items\n');
    expect(text).toContain('  Credentials      AKIALOCALEXAMPLE0001 (SigV4: region us-east-1, service execute-api; the secret is in the stack file)');
    expect(text).toContain('  Stack file       .local/stack.json');
  });

  it('shows a ready-to-paste signed curl for a write, and a plain one for the public root', () => {
    expect(text).toContain('  Try:  curl http://127.0.0.1:3000/dev/\n');
    expect(text).toContain(
      `curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "AKIALOCALEXAMPLE0001:a/b+cSecret" -X POST http://127.0.0.1:3000/dev/items -H 'content-type: application/json' -d '{"name":"first"}'`,
    );
  });
});

describe('banner: the local RDS Proxy', () => {
  it('says where the api connects, that TLS is required, the CA file and the metrics URL, with a curl for them', () => {
    const text = banner(info, { workspaceRoot: '/repo', stackFile: '/repo/.local/stack.json' });

    expect(text).toContain('  RDS Proxy        localhost:40003, where the api connects: TLS required, caching_sha2_password, CA .local/rds-proxy/1/ca.pem\n');
    expect(text).toContain('  Proxy metrics    http://127.0.0.1:40004/metrics (the counters follow each request below)\n');
    expect(text).toContain('        curl http://127.0.0.1:40004/metrics\n');
  });

  it('says it is off, and how the api connects instead, with LOCAL_RDS_PROXY=off', () => {
    const { proxyHost: _host, proxyPort: _port, proxyCaFile: _ca, proxyMetricsUrl: _metrics, ...withoutProxy } = info;
    const text = banner(withoutProxy, { workspaceRoot: '/repo', stackFile: '/repo/.local/stack.json' });

    expect(text).toContain('  RDS Proxy        off (LOCAL_RDS_PROXY=off): the api connects to the database directly, without TLS\n');
    expect(text).not.toContain('Proxy metrics');
  });
});

describe('signedCurl', () => {
  it('scopes the signature to the stack region and execute-api', () => {
    expect(signedCurl({ ...info, region: 'eu-west-1' }, 'http://x/dev/items')).toBe(
      'curl --aws-sigv4 "aws:amz:eu-west-1:execute-api" --user "AKIALOCALEXAMPLE0001:a/b+cSecret" http://x/dev/items',
    );
  });
});
