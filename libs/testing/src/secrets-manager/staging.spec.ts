import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { errorOf, useSecretsManager } from './sm.test-util';

jest.setTimeout(30_000);

let counter = 0;

const ctx = useSecretsManager();

async function newSecret(value = 'v1'): Promise<{ name: string; v1: string }> {
  const name = `staging-${++counter}`;
  const created = await ctx.client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, v1: created.VersionId ?? '' };
}

async function stages(name: string): Promise<Record<string, string[]>> {
  const described = await ctx.client.send(new DescribeSecretCommand({ SecretId: name }));
  const result: Record<string, string[]> = {};
  for (const [id, labels] of Object.entries(described.VersionIdsToStages ?? {})) result[id] = [...labels].sort();
  return result;
}

async function put(name: string, value: string, extra: { VersionStages?: string[]; ClientRequestToken?: string } = {}) {
  const result = await ctx.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, ...extra }));
  return result.VersionId ?? '';
}


describe('PutSecretValue staging', () => {
  it('moves AWSCURRENT to the new version, AWSPREVIOUS to the old one, and unlabels the one before', async () => {
    const { name, v1 } = await newSecret();
    const v2 = await put(name, 'v2');
    expect(await stages(name)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT'] });

    const v3 = await put(name, 'v3');
    expect(await stages(name)).toEqual({ [v2]: ['AWSPREVIOUS'], [v3]: ['AWSCURRENT'] });
    // v1 has no label now but is kept, and can still be read by id.
    const old = await ctx.client.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }));
    expect(old.SecretString).toBe('v1');
    expect(old.VersionStages).toEqual([]);
  });

  it('leaves AWSCURRENT alone when VersionStages is given', async () => {
    const { name, v1 } = await newSecret();
    const pending = await put(name, 'pending', { VersionStages: ['AWSPENDING'] });
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], [pending]: ['AWSPENDING'] });
    expect((await ctx.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
    const byStage = await ctx.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' }));
    expect(byStage.SecretString).toBe('pending');

    // A second pending version takes the label away from the first.
    const pending2 = await put(name, 'pending2', { VersionStages: ['AWSPENDING'] });
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], [pending2]: ['AWSPENDING'] });
    expect(pending2).not.toBe(pending);
  });

  it('moves AWSCURRENT (and AWSPREVIOUS) when VersionStages names AWSCURRENT with other labels', async () => {
    const { name, v1 } = await newSecret();
    const v2 = await put(name, 'v2', { VersionStages: ['AWSCURRENT', 'custom'] });
    expect(await stages(name)).toEqual({ [v1]: ['AWSPREVIOUS'], [v2]: ['AWSCURRENT', 'custom'] });
  });

  it('gives the first version AWSCURRENT even when other labels are asked for', async () => {
    const name = `staging-empty-${++counter}`;
    await ctx.client.send(new CreateSecretCommand({ Name: name }));
    const first = await put(name, 'first', { VersionStages: ['AWSPENDING'] });
    expect(await stages(name)).toEqual({ [first]: ['AWSCURRENT', 'AWSPENDING'] });
  });

  it('is idempotent on the same ClientRequestToken and value, and refuses a different value', async () => {
    const { name, v1 } = await newSecret();
    const token = '11111111-2222-3333-4444-555555555555';
    expect(await put(name, 'v2', { ClientRequestToken: token })).toBe(token);
    const again = await ctx.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: token }));
    expect(again.VersionId).toBe(token);
    expect(again.VersionStages).toEqual(['AWSCURRENT']);
    expect(await stages(name)).toEqual({ [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });

    const conflict = await errorOf(
      ctx.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'other', ClientRequestToken: token })),
    );
    expect(conflict.name).toBe('ResourceExistsException');
    expect(conflict.$metadata.httpStatusCode).toBe(400);
    expect((await ctx.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v2');
  });

  it('requires a value', async () => {
    const { name } = await newSecret();
    const error = await errorOf(ctx.client.send(new PutSecretValueCommand({ SecretId: name })));
    expect(error.name).toBe('InvalidParameterException');
  });
});

describe('UpdateSecretVersionStage', () => {
  it('moves AWSCURRENT to a pending version and hands AWSPREVIOUS to the old current', async () => {
    const { name, v1 } = await newSecret();
    const v2 = await put(name, 'v2');
    const pending = await put(name, 'v3', { VersionStages: ['AWSPENDING'] });
    await ctx.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: pending,
        RemoveFromVersionId: v2,
      }),
    );
    expect(await stages(name)).toEqual({ [v2]: ['AWSPREVIOUS'], [pending]: ['AWSCURRENT', 'AWSPENDING'] });
    expect((await ctx.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v3');
    expect(v1).not.toBe(v2);

    await ctx.client.send(
      new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSPENDING', RemoveFromVersionId: pending }),
    );
    expect(await stages(name)).toEqual({ [v2]: ['AWSPREVIOUS'], [pending]: ['AWSCURRENT'] });
  });

  it('rolls back by moving AWSCURRENT to AWSPREVIOUS', async () => {
    const { name, v1 } = await newSecret();
    const v2 = await put(name, 'v2');
    await ctx.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: v1,
        RemoveFromVersionId: v2,
      }),
    );
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'] });
  });

  it('refuses to move a label attached elsewhere without the matching RemoveFromVersionId', async () => {
    const { name, v1 } = await newSecret();
    const v2 = await put(name, 'v2', { VersionStages: ['AWSPENDING'] });
    const missing = await errorOf(
      ctx.client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2 })),
    );
    expect(missing.name).toBe('InvalidParameterException');
    expect(missing.$metadata.httpStatusCode).toBe(400);
    const wrong = await errorOf(
      ctx.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: v2,
          RemoveFromVersionId: v2,
        }),
      ),
    );
    expect(wrong.name).toBe('InvalidParameterException');
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPENDING'] });
  });

  it('attaches a free custom label, and removes it', async () => {
    const { name, v1 } = await newSecret();
    await ctx.client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'blue', MoveToVersionId: v1 }));
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT', 'blue'] });
    await ctx.client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'blue', RemoveFromVersionId: v1 }));
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'] });
  });

  it('refuses to remove AWSCURRENT without moving it, and needs a version to act on', async () => {
    const { name, v1 } = await newSecret();
    const remove = await errorOf(
      ctx.client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', RemoveFromVersionId: v1 })),
    );
    expect(remove.name).toBe('InvalidParameterException');
    const neither = await errorOf(ctx.client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'x' })));
    expect(neither.name).toBe('InvalidParameterException');
    expect(await stages(name)).toEqual({ [v1]: ['AWSCURRENT'] });
  });
});
