/**
 * The in-memory state of the local Secrets Manager: secrets, their versions and the staging labels on them.
 * Knows the staging rules (one version per label, AWSCURRENT → AWSPREVIOUS hand-over) but nothing about HTTP.
 */
import { randomInt } from 'node:crypto';
import { invalidRequest, secretNotFound } from './errors';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';
export const AWSPENDING = 'AWSPENDING';

/** A tag on a secret. */
export interface StoredTag {
  Key: string;
  Value: string;
}

/** The value of one version: exactly one of the two is set. */
export interface SecretValue {
  secretString?: string;
  secretBinary?: Buffer;
}

/** One version of a secret. Versions whose `stages` are empty are kept ("deprecated"), as AWS does. */
export interface SecretVersion extends SecretValue {
  readonly versionId: string;
  readonly stages: Set<string>;
  readonly createdDate: Date;
  lastAccessedDate?: Date;
}

/** One secret. */
export interface SecretRecord {
  readonly arn: string;
  readonly name: string;
  description?: string;
  kmsKeyId?: string;
  tags: StoredTag[];
  readonly createdDate: Date;
  lastChangedDate: Date;
  lastAccessedDate?: Date;
  /** Set while the secret is scheduled for deletion. */
  deletedDate?: Date;
  /** In creation order. */
  readonly versions: Map<string, SecretVersion>;
}

const SUFFIX_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** True when both values hold the same string or the same bytes. */
export function sameValue(a: SecretValue, b: SecretValue): boolean {
  if (a.secretString !== undefined || b.secretString !== undefined) return a.secretString === b.secretString;
  if (a.secretBinary === undefined || b.secretBinary === undefined) return a.secretBinary === b.secretBinary;
  return a.secretBinary.equals(b.secretBinary);
}

/** The date truncated to midnight UTC; AWS reports `LastAccessedDate` at day granularity. */
export function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Secrets of one region and account. */
export class SecretStore {
  private readonly secrets = new Map<string, SecretRecord>();
  private readonly arnPrefix: string;

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {
    this.arnPrefix = `arn:aws:secretsmanager:${region}:${accountId}:secret:`;
  }

  /** The secret named `name`, whether or not it is scheduled for deletion. */
  byName(name: string): SecretRecord | undefined {
    return this.secrets.get(name);
  }

  /** Adds a new secret; the caller has checked that the name is free. */
  create(name: string, now: Date): SecretRecord {
    let suffix = '';
    for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS.charAt(randomInt(SUFFIX_CHARS.length));
    const record: SecretRecord = {
      arn: `${this.arnPrefix}${name}-${suffix}`,
      name,
      tags: [],
      createdDate: now,
      lastChangedDate: now,
      versions: new Map(),
    };
    this.secrets.set(name, record);
    return record;
  }

  /** Removes a secret for good. */
  remove(record: SecretRecord): void {
    this.secrets.delete(record.name);
  }

  /**
   * Finds a secret by name, full ARN, or partial ARN (the ARN without the `-xxxxxx` suffix).
   * Throws `ResourceNotFoundException`, or `InvalidRequestException` for a secret scheduled for deletion unless
   * `includeDeleted` is set.
   */
  resolve(secretId: string, options: { includeDeleted?: boolean } = {}): SecretRecord {
    const record = this.find(secretId);
    if (!record) throw secretNotFound();
    if (record.deletedDate && !options.includeDeleted) {
      throw invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
    }
    return record;
  }

  private find(secretId: string): SecretRecord | undefined {
    if (!secretId.startsWith('arn:')) return this.secrets.get(secretId);
    if (!secretId.startsWith(this.arnPrefix)) return undefined;
    for (const record of this.secrets.values()) {
      if (record.arn === secretId) return record;
    }
    return this.secrets.get(secretId.slice(this.arnPrefix.length));
  }
}

/** The version carrying `stage`, if any. */
export function versionWithStage(record: SecretRecord, stage: string): SecretVersion | undefined {
  for (const version of record.versions.values()) {
    if (version.stages.has(stage)) return version;
  }
  return undefined;
}

/**
 * Attaches `stage` to `target`, taking it off whichever version had it. Moving `AWSCURRENT` hands
 * `AWSPREVIOUS` to the version `AWSCURRENT` came from (and takes it off the version that had it before).
 */
export function attachStage(record: SecretRecord, stage: string, target: SecretVersion): void {
  const holder = versionWithStage(record, stage);
  if (holder === target) return;
  if (stage === AWSCURRENT && holder) {
    versionWithStage(record, AWSPREVIOUS)?.stages.delete(AWSPREVIOUS);
    holder.stages.add(AWSPREVIOUS);
  }
  holder?.stages.delete(stage);
  target.stages.add(stage);
}

/** `{ versionId: [stages] }` for every version that has at least one stage (what `DescribeSecret` reports). */
export function versionIdsToStages(record: SecretRecord): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const version of record.versions.values()) {
    if (version.stages.size > 0) result[version.versionId] = [...version.stages];
  }
  return result;
}
