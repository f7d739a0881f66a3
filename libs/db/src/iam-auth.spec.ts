import { cachedTokenSource, iamDriverAuth, rdsIamTokenSource } from './iam-auth';

describe('cachedTokenSource', () => {
  it('signs once, shares concurrent calls, and renews after renewAfterMs', async () => {
    let clock = 0;
    let signed = 0;
    const tokens = cachedTokenSource(async () => `token-${++signed}`, { renewAfterMs: 600_000, now: () => clock });

    expect(await Promise.all([tokens.get(), tokens.get()])).toEqual(['token-1', 'token-1']);
    clock = 599_999;
    expect(await tokens.get()).toBe('token-1');
    clock = 600_000;
    expect(await tokens.get()).toBe('token-2');
  });

  it('signs again after invalidate() and after a failed signing', async () => {
    let calls = 0;
    const tokens = cachedTokenSource(async () => {
      calls++;
      if (calls === 2) throw new Error('no credentials');
      return `t${calls}`;
    });

    expect(await tokens.get()).toBe('t1');
    tokens.invalidate();
    await expect(tokens.get()).rejects.toThrow('no credentials');
    expect(await tokens.get()).toBe('t3');
  });
});

describe('rdsIamTokenSource', () => {
  it('signs an RDS connect token locally with the given credentials (no network)', async () => {
    const tokens = rdsIamTokenSource({
      hostname: 'serverless-app-rds-proxy.proxy-abc.eu-west-1.rds.amazonaws.com',
      port: 3306,
      username: 'app',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
    });

    const token = await tokens.get();

    expect(token).toMatch(/^serverless-app-rds-proxy\.proxy-abc\.eu-west-1\.rds\.amazonaws\.com:3306\/\?/);
    const query = new URLSearchParams(token.slice(token.indexOf('?') + 1));
    expect(query.get('Action')).toBe('connect');
    expect(query.get('DBUser')).toBe('app');
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
    expect(token).not.toContain('not-a-real-secret');
  });
});

describe('iamDriverAuth', () => {
  it('answers mysql_clear_password with the current token, NUL-terminated', async () => {
    const auth = iamDriverAuth({ username: 'app', tokens: { get: async () => 'tok', invalidate: () => undefined } });

    const reply = await auth.authPlugins.mysql_clear_password()();

    expect(auth.user).toBe('app');
    expect(reply).toEqual(Buffer.from('tok\0'));
  });
});
