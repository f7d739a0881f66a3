import { relative } from 'node:path';
import { METRICS_PATH } from './api-metrics';
import { curlUser } from './local-credentials';
import type { StackInfo } from './stack-file';

/**
 * `curl --aws-sigv4` with the local key pair inlined: a signed call to an IAM-authorised route.
 *
 * @example
 * signedCurl(info, `-X POST ${info.apiUrl}/items`);
 * // `curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "AKIALOCAL...:..." -X POST http://127.0.0.1:3000/dev/items`
 */
export function signedCurl(info: Pick<StackInfo, 'region' | 'credentials'>, rest: string): string {
  return `curl --aws-sigv4 "aws:amz:${info.region}:execute-api" --user "${curlUser(info.credentials)}" ${rest}`;
}

/** The gateway's `/__metrics`, at the root of the API's origin (outside the stage). */
export const metricsUrl = (info: Pick<StackInfo, 'apiUrl'>): string => `${new URL(info.apiUrl).origin}${METRICS_PATH}`;

/** The banner's rows about the local RDS Proxy: where the api connects and how to watch it, or that it is off. */
function proxyRows(info: StackInfo, shown: (file: string) => string): Array<[string, string]> {
  if (info.proxyPort === undefined) return [['RDS Proxy', 'off (LOCAL_RDS_PROXY=off): the api connects to the database directly, without TLS']];
  return [
    ['RDS Proxy', `${info.proxyHost}:${info.proxyPort}, where the api connects: TLS required, caching_sha2_password, CA ${shown(String(info.proxyCaFile))}`],
    ['Proxy metrics', `${info.proxyMetricsUrl} (the counters follow each request below)`],
  ];
}

/**
 * What the stack prints once it is up: where everything is, and how to try it.
 *
 * @example
 * process.stdout.write(banner(info, { workspaceRoot: '/repo', stackFile: '/repo/.local/stack.json' }));
 */
export function banner(info: StackInfo, where: { workspaceRoot: string; stackFile: string }): string {
  const shown = (file: string) => {
    const inWorkspace = relative(where.workspaceRoot, file);
    return inWorkspace.startsWith('..') ? file : inWorkspace;
  };
  const database = info.dbMode === 'local' ? `throwaway server, pid ${info.dbServerPid}, data in ${info.dbDir}` : 'a database and user on MYSQL_URL, dropped on exit';
  const list = (auth: 'none' | 'iam') => info.routes.filter((r) => r.auth === auth).map((r) => `${r.method} ${r.path}`);
  const signed = list('iam');
  const rows: Array<[string, string]> = [
    ['API', `${info.apiUrl}/`],
    ['Routes', list('none').join(', ') || '(none)'],
    ...(signed.length > 0 ? [['Signed (IAM)', signed.join(', ')] satisfies [string, string]] : []),
    ['Credentials', `${info.credentials.accessKeyId} (SigV4: region ${info.region}, service execute-api; the secret is in the stack file)`],
    ['Secrets Manager', `${info.secretsManagerEndpoint} (region ${info.region})`],
    ['Secret id', info.secretId],
    ...proxyRows(info, shown),
    ['Api metrics', `${metricsUrl(info)} (the api's EMF metrics summed, and the proxy's counters; a summary on Ctrl-C)`],
    ['Database admin', info.dbAdminUrl],
    ['Database', `${info.dbName}, app user ${info.dbAppUser}; ${database}`],
    ['Stack file', shown(where.stackFile)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    '',
    'serverless-app local stack is running (Ctrl-C stops it; saving a file in apps/api/src or libs/db/src rebuilds the function)',
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    `  Try:  curl ${info.apiUrl}/`,
    `        ${signedCurl(info, `-X POST ${info.apiUrl}/items -H 'content-type: application/json' -d '{"name":"first"}'`)}`,
    `        ${signedCurl(info, `${info.apiUrl}/items`)}`,
    ...(info.proxyMetricsUrl ? [`        curl ${info.proxyMetricsUrl}`] : []),
    `        curl ${metricsUrl(info)}`,
    '',
    '',
  ].join('\n');
}
