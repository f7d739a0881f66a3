/** DeleteSecret: scheduled (reads then fail with InvalidRequestException), or at once with ForceDeleteWithoutRecovery. */
import { epoch, SECRET_ID, type ActionHandler } from './action-support';
import { invalidParameter } from './errors';
import { optionalBoolean, optionalInteger, requiredString } from './input';

export const deleteSecret: ActionHandler = (body, ctx) => {
  const secretId = requiredString(body, 'SecretId', SECRET_ID);
  const window = optionalInteger(body, 'RecoveryWindowInDays', 7, 30);
  const force = optionalBoolean(body, 'ForceDeleteWithoutRecovery') ?? false;
  if (force && window !== undefined) {
    throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  const record = ctx.resolve(secretId, { includeDeleted: true });
  if (force) {
    ctx.store.remove(record);
    return { ARN: record.arn, Name: record.name, DeletionDate: epoch(ctx.now) };
  }
  if (!record.deletedDate) {
    record.deletedDate = ctx.now;
    record.lastChangedDate = ctx.now;
  }
  const deletion = new Date(record.deletedDate.getTime() + (window ?? 30) * 86_400_000);
  return { ARN: record.arn, Name: record.name, DeletionDate: epoch(deletion) };
};
