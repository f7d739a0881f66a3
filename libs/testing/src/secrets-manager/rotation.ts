/**
 * A single-user rotation of an RDS MySQL/MariaDB secret, step by step as AWS's
 * `SecretsManagerRDSMySQLRotationSingleUser` function does it: createSecret → setSecret → testSecret →
 * finishSecret, each step safe to repeat, so a rotation that failed half-way completes when run again.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { closeQuietly, setOwnPassword, tryConnect, type DatabaseLogin } from './database-account';
import type { SecretsManagerEndpoint } from './types';

const AWSCURRENT = 'AWSCURRENT';
const AWSPREVIOUS = 'AWSPREVIOUS';
const AWSPENDING = 'AWSPENDING';

/**
 * The four steps of a Secrets Manager rotation, in order.
 *
 * @example
 * ```ts
 * const seen: RotationStep[] = [];
 * await rotateSecret({ endpoint: sm, secretId: 'db', beforeStep: (step) => void seen.push(step) });
 * ```
 */
export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/**
 * Options for {@link rotateSecret}. Give `client` or `endpoint`.
 *
 * @example
 * ```ts
 * const options: RotateSecretOptions = { client, secretId: 'rds/app', passwordLength: 24 };
 * ```
 */
export interface RotateSecretOptions {
  /** A configured client; it stays open. */
  client?: SecretsManagerClient;
  /** A local endpoint handle; a client is made from its `clientConfig()` and destroyed afterwards. */
  endpoint?: Pick<SecretsManagerEndpoint, 'clientConfig'>;
  /** Name or ARN of the secret (JSON `{ username, password, host, port, dbname, ... }`). */
  secretId: string;
  /**
   * The rotation token, which becomes the new version's id. @default the id of an unfinished AWSPENDING version
   * (so a failed rotation is resumed, as Secrets Manager does), else a new UUID
   */
  token?: string;
  /** @default 32, as AWS's rotation functions */
  passwordLength?: number;
  /** @default the rotation functions' default ``/@"'\`` */
  excludeCharacters?: string;
  /** @default 10_000 */
  connectTimeoutMs?: number;
  /**
   * Called before each step; may be async to pause the rotation (e.g. to run traffic between steps), and may
   * throw to make the rotation fail at that point.
   */
  beforeStep?: (step: RotationStep, context: { arn: string; token: string }) => void | Promise<void>;
}

/**
 * What a rotation did.
 *
 * @example
 * ```ts
 * const { oldVersionId, newVersionId } = await rotateSecret({ endpoint: sm, secretId: 'db' });
 * await client.send(new GetSecretValueCommand({ SecretId: 'db', VersionId: oldVersionId })); // AWSPREVIOUS
 * ```
 */
export interface RotationResult {
  arn: string;
  /** The version that was AWSCURRENT before (now AWSPREVIOUS). */
  oldVersionId: string;
  /** The new AWSCURRENT version (the rotation token). */
  newVersionId: string;
}

/**
 * A failed rotation. `step` says where (`'start'`: reading the secret's metadata); `cause` holds the underlying
 * error, with database errors reduced to their code so no statement (and no password) leaks.
 *
 * @example
 * ```ts
 * try {
 *   await rotateSecret({ endpoint: sm, secretId: 'db' });
 * } catch (error) {
 *   if (error instanceof RotationError) expect(error.step).toBe('setSecret');
 * }
 * ```
 */
export class RotationError extends Error {
  readonly step: RotationStep | 'start';

  constructor(step: RotationStep | 'start', message: string, options?: { cause?: unknown }) {
    super(`${step}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RotationError';
    this.step = step;
  }
}

interface ParsedSecret {
  raw: Record<string, unknown>;
  login: DatabaseLogin;
}

function parseSecret(step: RotationStep, label: string, secretString: string | undefined): ParsedSecret {
  let raw: unknown;
  try {
    raw = JSON.parse(secretString ?? '');
  } catch {
    // JSON.parse's message quotes the input, i.e. the password: keep neither message nor cause.
    throw new RotationError(step, `the ${label} secret value is not JSON`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RotationError(step, `the ${label} secret value is not a JSON object`);
  }
  const record = raw as Record<string, unknown>;
  for (const field of ['username', 'password', 'host']) {
    if (typeof record[field] !== 'string' || record[field] === '') {
      throw new RotationError(step, `the ${label} secret has no string '${field}'`);
    }
  }
  const port = record['port'] === undefined ? 3306 : Number(record['port']);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RotationError(step, `the ${label} secret has an invalid 'port'`);
  }
  const dbname = record['dbname'];
  if (dbname !== undefined && typeof dbname !== 'string') {
    throw new RotationError(step, `the ${label} secret has a non-string 'dbname'`);
  }
  return {
    raw: record,
    login: {
      host: record['host'] as string,
      port,
      username: record['username'] as string,
      password: record['password'] as string,
      dbname,
    },
  };
}

function isNotFound(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ResourceNotFoundException';
}

function holderOf(versions: Record<string, string[]>, stage: string): string | undefined {
  return Object.keys(versions).find((id) => versions[id]?.includes(stage));
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Rotates a database secret the way AWS's single-user rotation function does: (1) createSecret puts a copy of
 * the AWSCURRENT JSON with a new `GetRandomPassword` password as AWSPENDING (reusing one already pending for the
 * token); (2) setSecret logs in with the current password and changes the user's own password (skipped when the
 * pending one already works); (3) testSecret logs in with the pending password and runs `SELECT NOW()`;
 * (4) finishSecret moves AWSCURRENT to the new version (the old one becomes AWSPREVIOUS) and removes AWSPENDING.
 *
 * @example
 * ```ts
 * const sm = await startSecretsManager();
 * // ... CreateSecret 'db' with { username, password, engine, host, port, dbname }
 * const { oldVersionId, newVersionId } = await rotateSecret({
 *   endpoint: sm,
 *   secretId: 'db',
 *   beforeStep: async (step) => { if (step === 'finishSecret') await runSomeTraffic(); },
 * });
 * ```
 */
export async function rotateSecret(options: RotateSecretOptions): Promise<RotationResult> {
  const config = options.client ? undefined : options.endpoint?.clientConfig();
  if (!options.client && !config) throw new TypeError('rotateSecret needs a client or an endpoint');
  const client = options.client ?? new SecretsManagerClient(config ?? {});
  try {
    return await rotate(client, options);
  } finally {
    if (!options.client) client.destroy();
  }
}

/** What every step needs. */
interface RotationRun {
  readonly client: SecretsManagerClient;
  readonly options: RotateSecretOptions;
  readonly arn: string;
  readonly token: string;
  readonly connectTimeoutMs: number;
}

async function rotate(client: SecretsManagerClient, options: RotateSecretOptions): Promise<RotationResult> {
  const { arn, token, alreadyCurrent } = await start(client, options);
  const ctx: RotationRun = { client, options, arn, token, connectTimeoutMs: options.connectTimeoutMs ?? 10_000 };
  // A rotation that got as far as moving AWSCURRENT only has finishSecret's clean-up left.
  if (!alreadyCurrent) {
    await runStep(ctx, 'createSecret', () => createSecret(ctx));
    await runStep(ctx, 'setSecret', () => setSecret(ctx));
    await runStep(ctx, 'testSecret', () => testSecret(ctx));
  }
  return runStep(ctx, 'finishSecret', () => finishSecret(ctx));
}

/** Reads the metadata, picks the token and checks its version is fit for rotation (as the AWS handler does). */
async function start(
  client: SecretsManagerClient,
  options: RotateSecretOptions,
): Promise<{ arn: string; token: string; alreadyCurrent: boolean }> {
  try {
    const metadata = await client.send(new DescribeSecretCommand({ SecretId: options.secretId }));
    const versions = metadata.VersionIdsToStages ?? {};
    if (!holderOf(versions, AWSCURRENT)) throw new RotationError('start', 'the secret has no AWSCURRENT version');
    const unfinished = Object.keys(versions).find(
      (id) => versions[id]?.includes(AWSPENDING) && !versions[id]?.includes(AWSCURRENT),
    );
    const token = options.token ?? unfinished ?? randomUUID();
    const stages = versions[token];
    if (stages && !stages.includes(AWSCURRENT) && !stages.includes(AWSPENDING)) {
      throw new RotationError('start', `version ${token} is neither AWSPENDING nor AWSCURRENT`);
    }
    return { arn: metadata.ARN ?? options.secretId, token, alreadyCurrent: stages?.includes(AWSCURRENT) ?? false };
  } catch (error) {
    if (error instanceof RotationError) throw error;
    throw new RotationError('start', describeError(error), { cause: error });
  }
}

async function runStep<T>(ctx: RotationRun, step: RotationStep, body: () => Promise<T>): Promise<T> {
  try {
    await ctx.options.beforeStep?.(step, { arn: ctx.arn, token: ctx.token });
    return await body();
  } catch (error) {
    if (error instanceof RotationError) throw error;
    throw new RotationError(step, describeError(error), { cause: error });
  }
}

async function getSecret(
  ctx: RotationRun,
  step: RotationStep,
  stage: string,
  versionId?: string,
): Promise<ParsedSecret> {
  const value = await ctx.client.send(
    new GetSecretValueCommand({ SecretId: ctx.arn, VersionStage: stage, VersionId: versionId }),
  );
  return parseSecret(step, stage, value.SecretString);
}

/** createSecret: put AWSCURRENT's JSON with a new password as AWSPENDING, unless the token's version exists. */
async function createSecret(ctx: RotationRun): Promise<void> {
  const { client, arn, token, options } = ctx;
  const current = await getSecret(ctx, 'createSecret', AWSCURRENT);
  try {
    await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: AWSPENDING }));
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const { RandomPassword: password } = await client.send(
    new GetRandomPasswordCommand({
      PasswordLength: options.passwordLength ?? 32,
      ExcludeCharacters: options.excludeCharacters ?? '/@"\'\\',
    }),
  );
  if (!password) throw new RotationError('createSecret', 'GetRandomPassword returned no password');
  await client.send(
    new PutSecretValueCommand({
      SecretId: arn,
      ClientRequestToken: token,
      SecretString: JSON.stringify({ ...current.raw, password }),
      VersionStages: [AWSPENDING],
    }),
  );
}

/** setSecret: log in with the current (or previous) password and set the pending one, unless it works already. */
async function setSecret(ctx: RotationRun): Promise<void> {
  const current = await getSecret(ctx, 'setSecret', AWSCURRENT);
  const pending = await getSecret(ctx, 'setSecret', AWSPENDING, ctx.token);
  const already = await tryConnect(pending.login, ctx.connectTimeoutMs);
  if (already) {
    await closeQuietly(already);
    return;
  }
  if (current.login.host !== pending.login.host || current.login.username !== pending.login.username) {
    throw new RotationError('setSecret', 'the pending secret names a different host or user than the current one');
  }
  let connection = await tryConnect(current.login, ctx.connectTimeoutMs);
  if (!connection) {
    const previous = await getSecret(ctx, 'setSecret', AWSPREVIOUS).catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
    if (previous) connection = await tryConnect(previous.login, ctx.connectTimeoutMs);
  }
  if (!connection) {
    throw new RotationError(
      'setSecret',
      'cannot log in with the current or previous password (ER_ACCESS_DENIED_ERROR)',
    );
  }
  try {
    await setOwnPassword(connection, pending.login.password);
  } finally {
    await closeQuietly(connection);
  }
}

/** testSecret: the pending password must log in and run a query. */
async function testSecret(ctx: RotationRun): Promise<void> {
  const pending = await getSecret(ctx, 'testSecret', AWSPENDING, ctx.token);
  const connection = await tryConnect(pending.login, ctx.connectTimeoutMs);
  if (!connection) throw new RotationError('testSecret', 'cannot log in with the pending password');
  try {
    await connection.query('SELECT NOW()');
  } finally {
    await closeQuietly(connection);
  }
}

/** finishSecret: move AWSCURRENT to the token's version (AWSPREVIOUS follows) and take AWSPENDING off it. */
async function finishSecret(ctx: RotationRun): Promise<RotationResult> {
  const { client, arn, token } = ctx;
  const metadata = await client.send(new DescribeSecretCommand({ SecretId: arn }));
  const versions = metadata.VersionIdsToStages ?? {};
  const currentId = holderOf(versions, AWSCURRENT);
  let oldVersionId: string;
  if (currentId === token) {
    oldVersionId = holderOf(versions, AWSPREVIOUS) ?? token;
  } else {
    if (!currentId) throw new RotationError('finishSecret', 'the secret has no AWSCURRENT version');
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: AWSCURRENT,
        MoveToVersionId: token,
        RemoveFromVersionId: currentId,
      }),
    );
    oldVersionId = currentId;
  }
  if (holderOf(versions, AWSPENDING) === token) {
    await client.send(
      new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: AWSPENDING, RemoveFromVersionId: token }),
    );
  }
  return { arn, oldVersionId, newVersionId: token };
}
