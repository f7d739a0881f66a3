/**
 * The action registry: every implemented Secrets Manager action by the name in
 * `X-Amz-Target: secretsmanager.<Action>`. Each action reads and validates its request body, works on the
 * store and returns the response body.
 */
import type { ActionHandler } from './action-support';
import { deleteSecret } from './delete-actions';
import { SecretsManagerError } from './errors';
import { isPlainObject, type RequestBody } from './input';
import {
  createSecret,
  describeSecret,
  getRandomPassword,
  getSecretValue,
  putSecretValue,
  updateSecretVersionStage,
} from './secret-actions';

export type { ActionContext, ActionHandler } from './action-support';

/** Every action the endpoint implements, by the name in `X-Amz-Target: secretsmanager.<Action>`. */
export const ACTIONS = {
  CreateSecret: createSecret,
  DeleteSecret: deleteSecret,
  DescribeSecret: describeSecret,
  GetRandomPassword: getRandomPassword,
  GetSecretValue: getSecretValue,
  PutSecretValue: putSecretValue,
  UpdateSecretVersionStage: updateSecretVersionStage,
} as const satisfies Record<string, ActionHandler>;

/**
 * The name of an implemented action.
 *
 * @example
 * ```ts
 * const action: SecretsManagerAction = 'GetSecretValue';
 * sm.count(action);
 * ```
 */
export type SecretsManagerAction = keyof typeof ACTIONS;

/** True when `name` is an implemented action. */
export function isAction(name: string): name is SecretsManagerAction {
  return Object.prototype.hasOwnProperty.call(ACTIONS, name);
}

/** `body` must be a JSON object; anything else cannot be deserialised into a request structure. */
export function asRequestBody(value: unknown): RequestBody {
  if (!isPlainObject(value)) {
    throw new SecretsManagerError('SerializationException', 'The request body must be a JSON object.');
  }
  return value;
}
