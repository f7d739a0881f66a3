/** ListSecrets and ListSecretVersionIds, with AWS's filter rules and opaque page tokens. */
import { describeRecord, epoch, SECRET_ID, type ActionHandler } from './action-support';
import { invalidParameter, SecretsManagerError } from './errors';
import {
  optionalBoolean,
  optionalInteger,
  optionalObjectList,
  optionalString,
  optionalStringList,
  requiredString,
  type RequestBody,
} from './input';
import { versionIdsToStages, type SecretRecord } from './store';

const FILTER_KEYS = ['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all'];

interface Filter {
  key: string;
  values: string[];
}

function attributes(record: SecretRecord, key: string): string[] {
  switch (key) {
    case 'name':
      return [record.name];
    case 'description':
      return record.description === undefined ? [] : [record.description];
    case 'tag-key':
      return record.tags.map((tag) => tag.Key);
    case 'tag-value':
      return record.tags.map((tag) => tag.Value);
    case 'all':
      return ['name', 'description', 'tag-key', 'tag-value'].flatMap((k) => attributes(record, k));
    default:
      return [];
  }
}

/** AWS filter semantics: prefix match, a leading `!` negates, values OR together, filters AND together. */
function matches(record: SecretRecord, filters: readonly Filter[]): boolean {
  return filters.every(({ key, values }) => {
    const attrs = attributes(record, key).map((a) => (key === 'all' ? a.toLowerCase() : a));
    return values.some((raw) => {
      const negate = raw.startsWith('!');
      const prefix = negate ? raw.slice(1) : raw;
      const wanted = key === 'all' ? prefix.toLowerCase() : prefix;
      const hit = attrs.some((a) => a.startsWith(wanted));
      return negate ? !hit : hit;
    });
  });
}

function readPage(body: RequestBody): { start: number; size: number } {
  const size = optionalInteger(body, 'MaxResults', 1, 100) ?? 100;
  const token = optionalString(body, 'NextToken', { min: 1, max: 4096 });
  if (token === undefined) return { start: 0, size };
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  const start = Number(decoded);
  if (!/^\d{1,9}$/.test(decoded) || !Number.isSafeInteger(start)) {
    throw new SecretsManagerError('InvalidNextTokenException', 'The NextToken value is invalid.');
  }
  return { start, size };
}

function nextToken(start: number, size: number, total: number): string | undefined {
  return start + size < total ? Buffer.from(String(start + size), 'utf8').toString('base64url') : undefined;
}

export const listSecrets: ActionHandler = (body, { store }) => {
  const includeDeleted = optionalBoolean(body, 'IncludePlannedDeletion') ?? false;
  const sortOrder = optionalString(body, 'SortOrder');
  if (sortOrder !== undefined && sortOrder !== 'asc' && sortOrder !== 'desc') {
    throw invalidParameter("SortOrder must be 'asc' or 'desc'.");
  }
  optionalString(body, 'SortBy');
  const filters =
    optionalObjectList(body, 'Filters', (item): Filter => {
      const key = requiredString(item, 'Key');
      if (!FILTER_KEYS.includes(key)) throw invalidParameter(`Invalid filter key: ${key}`);
      return { key, values: optionalStringList(item, 'Values', 10, { min: 1, max: 512 }) ?? [] };
    }) ?? [];
  const { start, size } = readPage(body);
  const all = store.list().filter((r) => (includeDeleted || !r.deletedDate) && matches(r, filters));
  if (sortOrder === 'desc') all.reverse();
  const page = all.slice(start, start + size);
  return {
    SecretList: page.map((record) => ({
      ...describeRecord(record),
      SecretVersionsToStages: versionIdsToStages(record),
    })),
    NextToken: nextToken(start, size, all.length),
  };
};

export const listSecretVersionIds: ActionHandler = (body, ctx) => {
  const record = ctx.resolve(requiredString(body, 'SecretId', SECRET_ID), { includeDeleted: true });
  const includeDeprecated = optionalBoolean(body, 'IncludeDeprecated') ?? false;
  const { start, size } = readPage(body);
  const versions = [...record.versions.values()].filter((v) => includeDeprecated || v.stages.size > 0);
  return {
    ARN: record.arn,
    Name: record.name,
    Versions: versions.slice(start, start + size).map((v) => ({
      VersionId: v.versionId,
      VersionStages: [...v.stages],
      LastAccessedDate: epoch(v.lastAccessedDate),
      CreatedDate: epoch(v.createdDate),
    })),
    NextToken: nextToken(start, size, versions.length),
  };
};
