import { resolveSecretsOptions } from './options';
import { sdkClientConfig, sdkSecretSource } from './sdk-source';

describe('sdkClientConfig', () => {
  it('sets short explicit timeouts that throw, and bounded attempts', () => {
    const config = sdkClientConfig(resolveSecretsOptions({ secretId: 'rds/app' }));

    expect(config).toEqual({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, socketTimeout: 2_000, throwOnRequestTimeout: true },
    });
  });

  it('passes endpoint, region and credentials only when given, so the environment applies otherwise', () => {
    const clientConfig = { endpoint: 'http://127.0.0.1:4566', region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'not-secret' } };

    const config = sdkClientConfig(resolveSecretsOptions({ secretId: 'rds/app', clientConfig, maxAttempts: 1, requestTimeoutMs: 500, connectionTimeoutMs: 200 }));

    expect(config).toEqual({
      ...clientConfig,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 200, requestTimeout: 500, socketTimeout: 500, throwOnRequestTimeout: true },
    });
  });
});

describe('sdkSecretSource', () => {
  it('loads the SDK only on the first fetch, not when libs/db is imported or the provider made', async () => {
    const loads: string[] = [];
    const sent: unknown[] = [];
    jest.doMock('@aws-sdk/client-secrets-manager', () => {
      loads.push('sdk');
      return {
        SecretsManagerClient: class {
          constructor(readonly config: unknown) {}
          send = async (command: { input: unknown }) => {
            sent.push(command.input);
            return { SecretString: '{"username":"app","password":"p"}' };
          };
          destroy = () => void loads.push('destroyed');
        },
        GetSecretValueCommand: class {
          constructor(readonly input: unknown) {}
        },
      };
    });

    await jest.isolateModulesAsync(async () => {
      const db = await import('../index');
      const provider = db.secretsManagerCredentials({ secretId: 'rds/app' });
      expect(loads).toEqual([]);

      expect(await provider.get()).toEqual({ username: 'app', password: 'p' });
      expect(loads).toEqual(['sdk']);
      expect(sent).toEqual([{ SecretId: 'rds/app', VersionStage: 'AWSCURRENT' }]);
      provider.dispose();
      expect(loads).toEqual(['sdk', 'destroyed']);
    });
    jest.dontMock('@aws-sdk/client-secrets-manager');
  });

  it('rejects a secret without a SecretString (binary secrets are not supported)', async () => {
    jest.doMock('@aws-sdk/client-secrets-manager', () => ({
      SecretsManagerClient: class {
        send = async () => ({ SecretBinary: new Uint8Array([1]) });
        destroy = () => undefined;
      },
      GetSecretValueCommand: class {},
    }));

    await jest.isolateModulesAsync(async () => {
      const { sdkSecretSource: isolated } = await import('./sdk-source');
      const source = isolated(resolveSecretsOptions({ secretId: 'rds/app' }));
      await expect(source.fetch('AWSCURRENT', new AbortController().signal)).rejects.toMatchObject({ errorName: 'SecretStringMissing' });
      source.destroy();
    });
    jest.dontMock('@aws-sdk/client-secrets-manager');
  });

  it('refuses to fetch once destroyed', async () => {
    const source = sdkSecretSource(resolveSecretsOptions({ secretId: 'rds/app' }));
    source.destroy();

    await expect(source.fetch('AWSCURRENT', new AbortController().signal)).rejects.toMatchObject({ errorName: 'ClientDestroyed' });
  });
});
