import { loadStackConfig, StackConfigError } from './stack-config';

describe('loadStackConfig', () => {
  it('defaults to 127.0.0.1:3000, INFO, .local/stack.json, two environments and the local RDS Proxy on', () => {
    expect(loadStackConfig('/repo', {})).toEqual({
      workspaceRoot: '/repo',
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'INFO',
      stackFile: '/repo/.local/stack.json',
      maxEnvironments: 2,
      rdsProxy: true,
    });
  });

  it('reads PORT, HOST, LOG_LEVEL, LOCAL_STACK_FILE and LOCAL_LAMBDA_CONCURRENCY', () => {
    const config = loadStackConfig('/repo', { PORT: '0', HOST: '0.0.0.0', LOG_LEVEL: 'DEBUG', LOCAL_STACK_FILE: '/tmp/x.json', LOCAL_LAMBDA_CONCURRENCY: '4' });

    expect(config).toMatchObject({ port: 0, host: '0.0.0.0', logLevel: 'DEBUG', stackFile: '/tmp/x.json', maxEnvironments: 4 });
  });

  it('runs without the proxy with LOCAL_RDS_PROXY=off', () => {
    expect(loadStackConfig('/repo', { LOCAL_RDS_PROXY: 'off' }).rdsProxy).toBe(false);
    expect(loadStackConfig('/repo', { LOCAL_RDS_PROXY: ' on ' }).rdsProxy).toBe(true);
    expect(loadStackConfig('/repo', { LOCAL_RDS_PROXY: '' }).rdsProxy).toBe(true);
  });

  it.each(['0', 'false', 'OFF', 'no'])('refuses LOCAL_RDS_PROXY=%s, naming the variable and the values it takes', (value) => {
    expect(() => loadStackConfig('/repo', { LOCAL_RDS_PROXY: value })).toThrow(StackConfigError);
    expect(() => loadStackConfig('/repo', { LOCAL_RDS_PROXY: value })).toThrow(`LOCAL_RDS_PROXY must be on or off, got "${value}"`);
  });

  it.each([
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['LOCAL_LAMBDA_CONCURRENCY', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadStackConfig('/repo', { [name]: value })).toThrow(StackConfigError);
    expect(() => loadStackConfig('/repo', { [name]: value })).toThrow(new RegExp(`^${name} must be a whole number`));
  });
});
