import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LocalCredentials } from './local-credentials';

/**
 * What `.local/stack.json` holds while the local stack runs, for scripts to find it.
 *
 * @example
 * const { apiUrl } = readStackFile('.local/stack.json') as StackInfo;
 * await fetch(`${apiUrl}/items`);
 */
export interface StackInfo {
  /** Base URL of the API, stage included: `http://127.0.0.1:3000/dev`. */
  apiUrl: string;
  /** The local Secrets Manager endpoint (`AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
  secretsManagerEndpoint: string;
  region: string;
  /** Name of the secret holding the database credentials (`DB_SECRET_ID`). */
  secretId: string;
  /** Admin URL of the throwaway database, password included. */
  dbAdminUrl: string;
  dbHost: string;
  dbPort: number;
  dbName: string;
  /** The least-privilege user the api connects as (its password lives in the secret). */
  dbAppUser: string;
  /** `local`: a private server process; `external`: the server of `MYSQL_URL`. */
  dbMode: 'local' | 'external';
  /** Process id of the database server (local mode). */
  dbServerPid: number | undefined;
  /** Temp folder of the database server (local mode), removed on exit. */
  dbDir: string | undefined;
  /**
   * Where the api connects: the local RDS Proxy (`localhost`, the name its certificate carries). Absent with
   * `LOCAL_RDS_PROXY=off`, as are the other `proxy*` fields.
   */
  proxyHost?: string;
  proxyPort?: number;
  /** The proxy's CA certificate (PEM), the api's `DB_TLS_CA_FILE`; removed on exit. */
  proxyCaFile?: string;
  /** The proxy's metrics (RDS Proxy's CloudWatch names) as JSON: `curl` it. */
  proxyMetricsUrl?: string;
  /** Process id of the stack; the file is stale when it is not running. */
  pid: number;
  startedAt: string;
  /** Where the bundles are written, removed on exit. */
  bundleDir: string;
  /** The routes served (method, path, auth), from the api's route table (`apps/api/src/features.ts`). */
  routes: Array<{ method: string; path: string; auth: 'none' | 'iam' }>;
  /** The key pair the gateway accepts on the `iam` routes (SigV4, service `execute-api`, `region`); new at every start. */
  credentials: LocalCredentials;
}

/**
 * The stack file's path: `LOCAL_STACK_FILE` if set, else `<workspaceRoot>/.local/stack.json`.
 *
 * @example
 * stackFilePath('/repo', {}); // '/repo/.local/stack.json'
 */
export function stackFilePath(workspaceRoot: string, env: Record<string, string | undefined>): string {
  const override = env['LOCAL_STACK_FILE']?.trim();
  return override ? override : join(workspaceRoot, '.local', 'stack.json');
}

/**
 * Writes the stack file atomically (a reader never sees half a file), readable by its owner only: it
 * holds the database admin URL and the local secret access key.
 *
 * @example
 * writeStackFile('.local/stack.json', info);
 */
export function writeStackFile(file: string, info: StackInfo): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * Reads a stack file; `undefined` if it is missing or not a stack file.
 *
 * @example
 * const info = readStackFile('.local/stack.json');
 * if (info) await fetch(`${info.apiUrl}/health`);
 */
export function readStackFile(file: string): StackInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackInfo>;
    return typeof parsed.apiUrl === 'string' && typeof parsed.pid === 'number' ? (parsed as StackInfo) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deletes the stack file if it was written by process `pid`, so a stack that failed to start never
 * deletes the file of one that runs.
 *
 * @example
 * removeStackFile('.local/stack.json', process.pid);
 */
export function removeStackFile(file: string, pid: number): void {
  if (readStackFile(file)?.pid !== pid) return;
  rmSync(file, { force: true });
}
