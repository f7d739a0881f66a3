/**
 * The actions on one secret and its versions: CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret,
 * UpdateSecretVersionStage; and GetRandomPassword.
 */
import { randomUUID } from 'node:crypto';
import { describeRecord, epoch, SECRET_ID, STAGE, VERSION_ID, type ActionHandler } from './action-support';
import { invalidParameter, invalidRequest, SecretsManagerError } from './errors';
import {
  optionalBlob,
  optionalBoolean,
  optionalInteger,
  optionalObjectList,
  optionalString,
  optionalStringList,
  requiredString,
  type RequestBody,
} from './input';
import { generateRandomPassword } from './password';
import {
  attachStage,
  AWSCURRENT,
  sameValue,
  startOfDay,
  versionIdsToStages,
  versionWithStage,
  type SecretRecord,
  type SecretValue,
  type SecretVersion,
  type StoredTag,
} from './store';

const SECRET_STRING_MAX = 65536;
const NAME_PATTERN = /^[A-Za-z0-9/_+=.@-]+$/;

function readSecretValue(body: RequestBody): SecretValue | undefined {
  const secretString = optionalString(body, 'SecretString', { max: SECRET_STRING_MAX });
  const secretBinary = optionalBlob(body, 'SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (secretBinary !== undefined && secretBinary.length > SECRET_STRING_MAX) {
    throw invalidParameter(`SecretBinary must be at most ${SECRET_STRING_MAX} bytes.`);
  }
  if (secretString !== undefined) return { secretString };
  if (secretBinary !== undefined) return { secretBinary };
  return undefined;
}

function readTags(body: RequestBody): StoredTag[] | undefined {
  return optionalObjectList(body, 'Tags', (item) => ({
    Key: requiredString(item, 'Key', { min: 1, max: 128 }),
    Value: optionalString(item, 'Value', { max: 256 }) ?? '',
  }));
}

function versionResponse(version: SecretVersion): Record<string, unknown> {
  return {
    VersionId: version.versionId,
    SecretString: version.secretString,
    SecretBinary: version.secretBinary?.toString('base64'),
    VersionStages: [...version.stages],
    CreatedDate: epoch(version.createdDate),
  };
}

/**
 * Adds a version holding `value` with `stages`. Moving AWSCURRENT hands AWSPREVIOUS over; a secret without an
 * AWSCURRENT version always gets it on its first version.
 */
function addVersion(
  record: SecretRecord,
  versionId: string,
  value: SecretValue,
  stages: readonly string[],
  now: Date,
): SecretVersion {
  const version: SecretVersion = { versionId, ...value, stages: new Set(), createdDate: now };
  record.versions.set(versionId, version);
  const wanted = new Set(stages);
  if (!versionWithStage(record, AWSCURRENT)) wanted.add(AWSCURRENT);
  for (const stage of wanted) attachStage(record, stage, version);
  record.lastChangedDate = now;
  return version;
}

export const createSecret: ActionHandler = (body, { store, now, note }) => {
  const name = requiredString(body, 'Name', { min: 1, max: 512 });
  if (!NAME_PATTERN.test(name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
  const token = optionalString(body, 'ClientRequestToken', VERSION_ID);
  const description = optionalString(body, 'Description', { max: 2048 });
  const kmsKeyId = optionalString(body, 'KmsKeyId', { max: 2048 });
  const tags = readTags(body);
  optionalBoolean(body, 'ForceOverwriteReplicaSecret');
  const value = readSecretValue(body);

  const existing = store.byName(name);
  if (existing?.deletedDate) {
    throw invalidRequest(
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
  }
  if (existing) {
    throw new SecretsManagerError(
      'ResourceExistsException',
      `The operation failed because the secret ${name} already exists.`,
    );
  }
  const record = store.create(name, now);
  note(record);
  record.description = description;
  record.kmsKeyId = kmsKeyId;
  record.tags = tags ?? [];
  const version = value ? addVersion(record, token ?? randomUUID(), value, [AWSCURRENT], now) : undefined;
  return { ARN: record.arn, Name: record.name, VersionId: version?.versionId };
};

export const getSecretValue: ActionHandler = (body, ctx) => {
  const secretId = requiredString(body, 'SecretId', SECRET_ID);
  const versionId = optionalString(body, 'VersionId', VERSION_ID);
  const versionStage = optionalString(body, 'VersionStage', STAGE);
  const record = ctx.resolve(secretId);
  let version: SecretVersion | undefined;
  if (versionId !== undefined) {
    version = record.versions.get(versionId);
    if (!version) {
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
      );
    }
    if (versionStage !== undefined && !version.stages.has(versionStage)) {
      throw invalidRequest('You provided a VersionStage that is not associated to the provided VersionId.');
    }
  } else {
    const stage = versionStage ?? AWSCURRENT;
    version = versionWithStage(record, stage);
    if (!version) {
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      );
    }
  }
  record.lastAccessedDate = startOfDay(ctx.now);
  version.lastAccessedDate = startOfDay(ctx.now);
  return { ARN: record.arn, Name: record.name, ...versionResponse(version) };
};

export const putSecretValue: ActionHandler = (body, ctx) => {
  const secretId = requiredString(body, 'SecretId', SECRET_ID);
  const token = optionalString(body, 'ClientRequestToken', VERSION_ID) ?? randomUUID();
  const stages = optionalStringList(body, 'VersionStages', 20, STAGE);
  optionalString(body, 'RotationToken', { min: 36, max: 256 });
  const value = readSecretValue(body);
  if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
  const record = ctx.resolve(secretId);

  const existing = record.versions.get(token);
  if (existing) {
    if (!sameValue(existing, value)) {
      throw new SecretsManagerError(
        'ResourceExistsException',
        `A version with VersionId ${token} already exists with a different value. ` +
          "You can't modify an existing version; create a new version instead.",
      );
    }
    return { ARN: record.arn, Name: record.name, VersionId: token, VersionStages: [...existing.stages] };
  }
  const version = addVersion(record, token, value, stages ?? [AWSCURRENT], ctx.now);
  return { ARN: record.arn, Name: record.name, VersionId: token, VersionStages: [...version.stages] };
};

export const describeSecret: ActionHandler = (body, ctx) => {
  const record = ctx.resolve(requiredString(body, 'SecretId', SECRET_ID), { includeDeleted: true });
  return { ...describeRecord(record), VersionIdsToStages: versionIdsToStages(record) };
};

export const updateSecretVersionStage: ActionHandler = (body, ctx) => {
  const secretId = requiredString(body, 'SecretId', SECRET_ID);
  const stage = requiredString(body, 'VersionStage', STAGE);
  const removeFromId = optionalString(body, 'RemoveFromVersionId', VERSION_ID);
  const moveToId = optionalString(body, 'MoveToVersionId', VERSION_ID);
  if (removeFromId === undefined && moveToId === undefined) {
    throw invalidParameter('You must specify MoveToVersionId, RemoveFromVersionId, or both.');
  }
  const record = ctx.resolve(secretId);
  const lookup = (versionId: string): SecretVersion => {
    const version = record.versions.get(versionId);
    if (!version) {
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret version: ${versionId}`,
      );
    }
    return version;
  };
  const moveTo = moveToId === undefined ? undefined : lookup(moveToId);
  const removeFrom = removeFromId === undefined ? undefined : lookup(removeFromId);
  const holder = versionWithStage(record, stage);

  if (removeFrom && removeFrom !== holder) {
    throw invalidParameter(`The staging label ${stage} isn't attached to version ${removeFrom.versionId}.`);
  }
  if (moveTo) {
    if (holder && holder !== moveTo && holder !== removeFrom) {
      throw invalidParameter(
        `The staging label ${stage} is currently attached to version ${holder.versionId}, ` +
          'so you must explicitly reference that version in RemoveFromVersionId.',
      );
    }
    attachStage(record, stage, moveTo);
  } else if (removeFrom) {
    if (stage === AWSCURRENT) {
      throw invalidParameter(
        `You can't remove the staging label ${AWSCURRENT} from a version; move it to another version instead.`,
      );
    }
    removeFrom.stages.delete(stage);
  }
  record.lastChangedDate = ctx.now;
  return { ARN: record.arn, Name: record.name };
};

export const getRandomPassword: ActionHandler = (body) => ({
  RandomPassword: generateRandomPassword({
    passwordLength: optionalInteger(body, 'PasswordLength', 1, 4096),
    excludeCharacters: optionalString(body, 'ExcludeCharacters', { max: 4096 }),
    excludeNumbers: optionalBoolean(body, 'ExcludeNumbers'),
    excludePunctuation: optionalBoolean(body, 'ExcludePunctuation'),
    excludeUppercase: optionalBoolean(body, 'ExcludeUppercase'),
    excludeLowercase: optionalBoolean(body, 'ExcludeLowercase'),
    includeSpace: optionalBoolean(body, 'IncludeSpace'),
    requireEachIncludedType: optionalBoolean(body, 'RequireEachIncludedType'),
  }),
});
