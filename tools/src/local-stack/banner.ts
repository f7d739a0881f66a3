import { relative } from 'node:path';
import type { StackInfo } from './stack-file';

/**
 * What the stack prints once it is up: where everything is, and how to try it.
 *
 * @example
 * process.stdout.write(banner(info, { workspaceRoot: '/repo', stackFile: '/repo/.local/stack.json' }));
 */
export function banner(info: StackInfo, where: { workspaceRoot: string; stackFile: string }): string {
  const stackFile = relative(where.workspaceRoot, where.stackFile);
  const shownStackFile = stackFile.startsWith('..') ? where.stackFile : stackFile;
  const database = info.dbMode === 'local' ? `throwaway server, pid ${info.dbServerPid}, data in ${info.dbDir}` : 'a database and user on MYSQL_URL, dropped on exit';
  const rows: Array<[string, string]> = [
    ['API', `${info.apiUrl}/`],
    ['Routes', info.routes.map((r) => `${r.method} ${r.path}`).join(', ')],
    ['Secrets Manager', `${info.secretsManagerEndpoint} (region ${info.region})`],
    ['Secret id', info.secretId],
    ['Database admin', info.dbAdminUrl],
    ['Database', `${info.dbName}, app user ${info.dbAppUser}; ${database}`],
    ['Stack file', shownStackFile],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    '',
    'serverless-app local stack is running (Ctrl-C stops it; saving a file in apps/api/src or libs/db/src rebuilds the function)',
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
    `  Try:  curl ${info.apiUrl}/`,
    `        curl -X POST ${info.apiUrl}/items -H 'content-type: application/json' -d '{"name":"first"}'`,
    '',
    '',
  ].join('\n');
}
