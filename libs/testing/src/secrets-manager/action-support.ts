/**
 * What the actions share: the context they run in, field limits, date encoding and the metadata view of a secret.
 */
import type { RequestBody } from './input';
import type { SecretRecord, SecretStore } from './store';

/** What an action can see besides its request body. */
export interface ActionContext {
  readonly store: SecretStore;
  readonly now: Date;
  /** Looks a secret up (see {@link SecretStore.resolve}) and remembers it for the request counters. */
  resolve(secretId: string, options?: { includeDeleted?: boolean }): SecretRecord;
  /** Remembers a secret the request created, for the request counters. */
  note(record: SecretRecord): void;
}

/** One action: request body in, response body out; throws {@link SecretsManagerError}. */
export type ActionHandler = (body: RequestBody, ctx: ActionContext) => Record<string, unknown>;

/** Length limits of the common fields, from the API reference. */
export const SECRET_ID = { min: 1, max: 2048 };
export const VERSION_ID = { min: 32, max: 64 };
export const STAGE = { min: 1, max: 256 };

/** A date as the AWS JSON protocol writes timestamps: epoch seconds, fractional. */
export const epoch = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);

/** The metadata fields `DescribeSecret` returns. */
export function describeRecord(record: SecretRecord): Record<string, unknown> {
  return {
    ARN: record.arn,
    Name: record.name,
    Description: record.description,
    KmsKeyId: record.kmsKeyId,
    RotationEnabled: false,
    LastChangedDate: epoch(record.lastChangedDate),
    LastAccessedDate: epoch(record.lastAccessedDate),
    DeletedDate: epoch(record.deletedDate),
    Tags: record.tags.length > 0 ? record.tags.map((tag) => ({ ...tag })) : undefined,
    CreatedDate: epoch(record.createdDate),
  };
}
