/**
 * The local Secrets Manager endpoint: a `node:http` server on 127.0.0.1 that runs the actions against an
 * in-memory store, with request counters, failure injection and latency for tests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '../http/listener';
import { ACTIONS, asRequestBody, type ActionContext, type SecretsManagerAction } from './actions';
import { SecretsManagerError, statusForError } from './errors';
import { checkRequest, parseJson, readBody, send, sendError } from './protocol';
import { SecretStore, type SecretRecord } from './store';
import type {
  InjectedFailure,
  LocalClientConfig,
  SecretsManagerEndpoint,
  StartSecretsManagerOptions,
} from './types';

const CREDENTIALS = { accessKeyId: 'AKIALOCALSECRETSMGR0', secretAccessKey: 'local-secrets-manager-not-a-secret' };

/** One counted request: its action and every name/ARN it referred to. */
interface RequestRecord {
  readonly action: SecretsManagerAction;
  readonly ids: Set<string>;
}

interface PendingFailure extends Required<InjectedFailure> {
  action: SecretsManagerAction | '*';
  remaining: number;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}

/**
 * Starts a local Secrets Manager endpoint that the real, unmodified `@aws-sdk/client-secrets-manager` can use.
 * Supported actions: CreateSecret, GetSecretValue, PutSecretValue, DescribeSecret, UpdateSecretVersionStage,
 * GetRandomPassword (which rotateSecret uses), DeleteSecret.
 *
 * @example
 * ```ts
 * const sm = await startSecretsManager();
 * const client = new SecretsManagerClient(sm.clientConfig());
 * await client.send(new CreateSecretCommand({ Name: 'db', SecretString: '{"password":"x"}' }));
 * expect(sm.count('CreateSecret', 'db')).toBe(1);
 * client.destroy();
 * await sm.close();
 * ```
 */
export async function startSecretsManager(options: StartSecretsManagerOptions = {}): Promise<SecretsManagerEndpoint> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const host = options.host ?? '127.0.0.1';
  const requireAuthorization = options.requireAuthorization ?? true;
  const store = new SecretStore(region, accountId);
  let latencyMs = options.latencyMs ?? 0;
  let log: RequestRecord[] = [];
  let failures: PendingFailure[] = [];

  function takeFailure(action: SecretsManagerAction): SecretsManagerError | undefined {
    const failure = failures.find((f) => f.action === action || f.action === '*');
    if (!failure) return undefined;
    failure.remaining -= 1;
    if (failure.remaining <= 0) failures = failures.filter((f) => f !== failure);
    return new SecretsManagerError(failure.name, failure.message, { status: failure.status });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    await sleep(latencyMs);
    const action = checkRequest(req, requireAuthorization);
    const record: RequestRecord = { action, ids: new Set() };
    log.push(record);

    let parsed: unknown;
    let parseError: unknown;
    try {
      parsed = parseJson(body);
    } catch (error) {
      parseError = error;
    }
    const fields = (parsed ?? {}) as Record<string, unknown>;
    for (const field of ['SecretId', 'Name']) {
      const id = fields[field];
      if (typeof id === 'string') record.ids.add(id);
    }
    const injected = takeFailure(action);
    if (injected) throw injected;
    if (parseError !== undefined) throw parseError;

    const note = (secret: SecretRecord): void => {
      record.ids.add(secret.name).add(secret.arn);
    };
    const ctx: ActionContext = {
      store,
      now: new Date(),
      note,
      resolve(secretId, opts): SecretRecord {
        const secret = store.resolve(secretId, opts);
        note(secret);
        return secret;
      },
    };
    send(res, 200, ACTIONS[action](asRequestBody(parsed), ctx));
  }

  const listener = await listen(host, options.port ?? 0, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof SecretsManagerError) {
        sendError(res, error);
      } else {
        // A bug or a broken connection: answer without leaking details, and keep serving.
        const internal = new SecretsManagerError('InternalFailure', 'The request processing has failed.', {
          cause: error,
        });
        sendError(res, internal);
      }
    });
  });
  const { port, origin: endpoint } = listener;

  const clientConfig = (): LocalClientConfig => ({ endpoint, region, credentials: { ...CREDENTIALS } });

  return {
    endpoint,
    port,
    region,
    accountId,
    clientConfig,
    env: () => ({
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    }),
    counts: () => {
      const result: Partial<Record<SecretsManagerAction, number>> = {};
      for (const { action } of log) result[action] = (result[action] ?? 0) + 1;
      return result;
    },
    count: (action, secretId) =>
      log.filter((r) => r.action === action && (secretId === undefined || r.ids.has(secretId))).length,
    resetCounts: () => {
      log = [];
    },
    failNext: (action, error, times = 1) => {
      const spec: InjectedFailure = typeof error === 'string' ? { name: error } : (error ?? {});
      const name = spec.name ?? 'InternalServiceError';
      if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
      failures.push({
        action,
        name,
        message: spec.message ?? `Injected ${name} for ${action}.`,
        status: spec.status ?? statusForError(name),
        remaining: times,
      });
    },
    clearFailures: () => {
      failures = [];
    },
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a non-negative number, got ${ms}`);
      latencyMs = ms;
    },
    close: () => listener.close(),
  };
}
