/**
 * `npm start` / `nx run api:serve`: the local stack in the foreground. Prints where everything is,
 * streams the function's logs, rebuilds on change, and stops everything on Ctrl-C (twice: at once).
 */
import { resolve } from 'node:path';
import { apiMetricsLine } from './api-metrics';
import { banner } from './banner';
import { type LocalStack, removeBundleDir, removeProxyDir, startLocalStack } from './local-stack';
import { checkDatabase, checkNode, checkPort, checkStackFile } from './prerequisites';
import { onShutdownSignals } from './shutdown-signals';
import { loadStackConfig, type StackConfig } from './stack-config';
import { removeStackFile } from './stack-file';
import type { StackLog } from './stack-log';

const workspaceRoot = resolve(__dirname, '../../..');
const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);

function formatDetails(details: Array<Record<string, unknown>>): string {
  const parts = details.flatMap((detail) =>
    Object.entries(detail).map(([key, value]) => `${key}=${value instanceof Error ? value.message : typeof value === 'object' ? JSON.stringify(value) : String(value)}`),
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const log: StackLog = {
  info: (message) => out(`[local-stack] ${message}\n`),
  error: (message, ...details) => err(`[local-stack] ${message}${formatDetails(details)}\n`),
  request: (message) => out(`[gateway] ${message}\n`),
  proxy: (message) => out(`[rds-proxy] ${message}\n`),
};

async function preflight(config: StackConfig): Promise<string[]> {
  const problems = [
    checkNode(process.versions.node),
    checkDatabase(process.env),
    await checkPort(config.host, config.port),
    checkStackFile(config.stackFile, process.pid),
  ];
  return problems.filter((p): p is string => p !== undefined);
}

async function main(): Promise<number> {
  let config: StackConfig;
  try {
    config = loadStackConfig(workspaceRoot, process.env);
  } catch (error) {
    err(`Cannot start the local stack: ${(error as Error).message}\n`);
    return 1;
  }
  const problems = await preflight(config);
  if (problems.length > 0) {
    err(`Cannot start the local stack:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }

  let stack: LocalStack | undefined;
  let stopRequested: (signal: NodeJS.Signals) => void = () => undefined;
  const stopSignal = new Promise<NodeJS.Signals>((resolveStop) => (stopRequested = resolveStop));
  onShutdownSignals({
    onStop: (signal) => {
      log.info(`${signal}: stopping (Ctrl-C again to force)`);
      stopRequested(signal);
    },
    onForce: (signal) => {
      log.error(`${signal}: forced exit`);
      stack?.killSync();
      removeStackFile(config.stackFile, process.pid);
      removeBundleDir(workspaceRoot, process.pid);
      removeProxyDir(workspaceRoot, process.pid); // the proxy's sockets go with this process
      process.exit(130); // the database's exit hook kills its server and removes its folder
    },
  });

  const starting = startLocalStack(config, log);
  const first = await Promise.race([starting.then((started) => ({ started }), (error: unknown) => ({ error })), stopSignal.then(() => ({}))]);
  if ('error' in first) {
    err(`Cannot start the local stack: ${(first.error as Error).message}\n`);
    return 1;
  }
  try {
    stack = 'started' in first ? first.started : await starting;
  } catch {
    return 0; // stopped while starting, and the start failed on the way down: nothing is left running
  }
  if ('started' in first) {
    out(banner(stack.info, { workspaceRoot, stackFile: config.stackFile }));
    await stopSignal;
  }
  log.info(apiMetricsLine(stack.apiMetrics()));
  try {
    await stack.stop();
  } catch (error) {
    err(`[local-stack] stopping failed: ${(error as Error).message}\n`);
    return 1;
  }
  log.info('stopped');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(`[local-stack] ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
