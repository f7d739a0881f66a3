import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { errorOf, useSecretsManager } from './sm.test-util';

jest.setTimeout(30_000);

let counter = 0;
const uniqueName = (prefix = 'secret'): string => `${prefix}-${++counter}`;

const ctx = useSecretsManager({ region: 'eu-west-1', accountId: '123456789012' });


describe('CreateSecret', () => {
  it('creates a string secret with an AWSCURRENT version and an ARN with a 6-character suffix', async () => {
    const name = uniqueName('app/db');
    const created = await ctx.client.send(
      new CreateSecretCommand({ Name: name, SecretString: '{"a":1}', Description: 'the db', Tags: [{ Key: 'team', Value: 'x' }] }),
    );
    expect(created.Name).toBe(name);
    expect(created.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-[A-Za-z0-9]{6}$`));
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);

    const value = await ctx.client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(value).toMatchObject({ Name: name, ARN: created.ARN, SecretString: '{"a":1}', VersionId: created.VersionId });
    expect(value.VersionStages).toEqual(['AWSCURRENT']);
    expect(value.CreatedDate).toBeInstanceOf(Date);
  });

  it('uses the ClientRequestToken as the first version id', async () => {
    const token = 'aaaaaaaa-bbbb-cccc-dddd-000000000001';
    const created = await ctx.client.send(
      new CreateSecretCommand({ Name: uniqueName(), SecretString: 'x', ClientRequestToken: token }),
    );
    expect(created.VersionId).toBe(token);
  });

  it('stores binary secrets and returns the same bytes', async () => {
    const name = uniqueName();
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    await ctx.client.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));
    const value = await ctx.client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(value.SecretString).toBeUndefined();
    expect(Buffer.from(value.SecretBinary ?? new Uint8Array())).toEqual(Buffer.from(bytes));
  });

  it('creates a secret without a value, which then has no AWSCURRENT version', async () => {
    const name = uniqueName();
    const created = await ctx.client.send(new CreateSecretCommand({ Name: name }));
    expect(created.VersionId).toBeUndefined();
    const error = await errorOf(ctx.client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
  });

  it('rejects a duplicate name with ResourceExistsException', async () => {
    const name = uniqueName();
    await ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    const error = await errorOf(ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'y' })));
    expect(error.name).toBe('ResourceExistsException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('rejects invalid names and both value kinds at once with InvalidParameterException', async () => {
    const badName = await errorOf(ctx.client.send(new CreateSecretCommand({ Name: 'has space', SecretString: 'x' })));
    expect(badName.name).toBe('InvalidParameterException');
    const both = await errorOf(
      ctx.client.send(new CreateSecretCommand({ Name: uniqueName(), SecretString: 'x', SecretBinary: new Uint8Array([1]) })),
    );
    expect(both.name).toBe('InvalidParameterException');
    expect(both.$metadata.httpStatusCode).toBe(400);
  });
});

describe('GetSecretValue', () => {
  let name: string;
  let arn: string;
  let firstVersion: string;

  beforeAll(async () => {
    name = uniqueName('lookup');
    const created = await ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    arn = created.ARN ?? '';
    firstVersion = created.VersionId ?? '';
    await ctx.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }));
  });

  it('finds the secret by name, full ARN and partial ARN', async () => {
    const partial = arn.slice(0, -7);
    expect(partial.endsWith(`:secret:${name}`)).toBe(true);
    for (const id of [name, arn, partial]) {
      const value = await ctx.client.send(new GetSecretValueCommand({ SecretId: id }));
      expect(value.SecretString).toBe('v2');
      expect(value.ARN).toBe(arn);
    }
  });

  it('returns a version by VersionStage or VersionId, and both when they agree', async () => {
    const previous = await ctx.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
    expect(previous.SecretString).toBe('v1');
    expect(previous.VersionId).toBe(firstVersion);
    const byId = await ctx.client.send(new GetSecretValueCommand({ SecretId: name, VersionId: firstVersion }));
    expect(byId.SecretString).toBe('v1');
    expect(byId.VersionStages).toEqual(['AWSPREVIOUS']);
    const both = await ctx.client.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: firstVersion, VersionStage: 'AWSPREVIOUS' }),
    );
    expect(both.SecretString).toBe('v1');
  });

  it('rejects a VersionId and VersionStage that disagree with InvalidRequestException', async () => {
    const error = await errorOf(
      ctx.client.send(new GetSecretValueCommand({ SecretId: name, VersionId: firstVersion, VersionStage: 'AWSCURRENT' })),
    );
    expect(error.name).toBe('InvalidRequestException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('answers ResourceNotFoundException for an unknown secret, version or stage', async () => {
    const unknown = await errorOf(ctx.client.send(new GetSecretValueCommand({ SecretId: 'no-such-secret' })));
    expect(unknown.name).toBe('ResourceNotFoundException');
    expect(unknown.message).toBe("Secrets Manager can't find the specified secret.");
    expect(unknown.$metadata.httpStatusCode).toBe(400);
    const wrongArn = await errorOf(ctx.client.send(new GetSecretValueCommand({ SecretId: `${arn.slice(0, -6)}zzzzzz` })));
    expect(wrongArn.name).toBe('ResourceNotFoundException');
    const version = await errorOf(
      ctx.client.send(new GetSecretValueCommand({ SecretId: name, VersionId: '00000000-0000-0000-0000-000000000000' })),
    );
    expect(version.name).toBe('ResourceNotFoundException');
    const stage = await errorOf(ctx.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })));
    expect(stage.name).toBe('ResourceNotFoundException');
  });
});

describe('DescribeSecret', () => {
  it('reports metadata, dates and VersionIdsToStages', async () => {
    const name = uniqueName();
    const before = Date.now();
    const created = await ctx.client.send(
      new CreateSecretCommand({ Name: name, SecretString: 'x', Description: 'desc', Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    await ctx.client.send(new GetSecretValueCommand({ SecretId: name }));
    const described = await ctx.client.send(new DescribeSecretCommand({ SecretId: created.ARN }));
    expect(described).toMatchObject({
      ARN: created.ARN,
      Name: name,
      Description: 'desc',
      RotationEnabled: false,
      Tags: [{ Key: 'k', Value: 'v' }],
      VersionIdsToStages: { [created.VersionId ?? '']: ['AWSCURRENT'] },
    });
    expect(described.CreatedDate).toBeInstanceOf(Date);
    expect(described.CreatedDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(described.LastChangedDate).toBeInstanceOf(Date);
    // Day granularity, like AWS.
    expect(described.LastAccessedDate?.getUTCHours()).toBe(0);
    expect(described.DeletedDate).toBeUndefined();
  });

  it('answers ResourceNotFoundException for an unknown secret', async () => {
    const error = await errorOf(ctx.client.send(new DescribeSecretCommand({ SecretId: 'missing' })));
    expect(error.name).toBe('ResourceNotFoundException');
  });
});

describe('GetRandomPassword', () => {
  it('returns a 32-character password with every type by default', async () => {
    const { RandomPassword } = await ctx.client.send(new GetRandomPasswordCommand({}));
    expect(RandomPassword).toHaveLength(32);
    expect(RandomPassword).toMatch(/[a-z]/);
    expect(RandomPassword).toMatch(/[A-Z]/);
    expect(RandomPassword).toMatch(/[0-9]/);
    expect(RandomPassword).toMatch(/[^A-Za-z0-9]/);
  });

  it('honours length, exclusions and type switches', async () => {
    const { RandomPassword } = await ctx.client.send(
      new GetRandomPasswordCommand({ PasswordLength: 64, ExcludePunctuation: true, ExcludeCharacters: 'abc0123' }),
    );
    expect(RandomPassword).toHaveLength(64);
    expect(RandomPassword).toMatch(/^[d-zA-Z4-9]+$/);
  });

  it('rejects impossible options with InvalidParameterException', async () => {
    const none = await errorOf(
      ctx.client.send(
        new GetRandomPasswordCommand({
          ExcludeLowercase: true,
          ExcludeUppercase: true,
          ExcludeNumbers: true,
          ExcludePunctuation: true,
        }),
      ),
    );
    expect(none.name).toBe('InvalidParameterException');
    const tooLong = await errorOf(ctx.client.send(new GetRandomPasswordCommand({ PasswordLength: 5000 })));
    expect(tooLong.name).toBe('InvalidParameterException');
  });
});

describe('DeleteSecret', () => {
  it('schedules deletion, after which reads and re-creating the name fail with InvalidRequestException', async () => {
    const name = uniqueName();
    await ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    const deleted = await ctx.client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    expect(deleted.DeletionDate).toBeInstanceOf(Date);
    expect((deleted.DeletionDate?.getTime() ?? 0) - Date.now()).toBeGreaterThan(6 * 86_400_000);

    const read = await errorOf(ctx.client.send(new GetSecretValueCommand({ SecretId: name })));
    expect(read.name).toBe('InvalidRequestException');
    expect(read.$metadata.httpStatusCode).toBe(400);
    const recreate = await errorOf(ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'y' })));
    expect(recreate.name).toBe('InvalidRequestException');
    expect((await ctx.client.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeInstanceOf(Date);
  });

  it('deletes at once with ForceDeleteWithoutRecovery, and refuses it together with a window', async () => {
    const name = uniqueName();
    await ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    const both = await errorOf(
      ctx.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })),
    );
    expect(both.name).toBe('InvalidParameterException');
    await ctx.client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    const gone = await errorOf(ctx.client.send(new DescribeSecretCommand({ SecretId: name })));
    expect(gone.name).toBe('ResourceNotFoundException');
    await ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'again' }));
  });
});

describe('UpdateSecretVersionStage errors', () => {
  it('answers ResourceNotFoundException for an unknown version', async () => {
    const name = uniqueName();
    await ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: 'x' }));
    const error = await errorOf(
      ctx.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSPENDING',
          MoveToVersionId: '00000000-0000-0000-0000-000000000000',
        }),
      ),
    );
    expect(error.name).toBe('ResourceNotFoundException');
  });
});
