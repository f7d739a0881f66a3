import type { ProxyMetricsSnapshot } from '@serverless-app/local-rds-proxy';
import type { LocalBackend } from '@serverless-app/testing';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { startBenchProxy } from './world';

/** What the proxy thread needs of the backend: plain data, copied to the thread. */
interface ProxyThreadData {
  proxyThread: true;
  db: { host: string; port: number };
  secretId: string;
  secretsConfig: ReturnType<LocalBackend['secrets']['clientConfig']>;
  env: Record<string, string>;
}

type Reply = { type: 'ready'; env: Record<string, string> } | { type: 'metrics'; metrics: ProxyMetricsSnapshot } | { type: 'closed' };

/** A local RDS Proxy (as {@link startBenchProxy}) running on its own thread, so its CPU is not the clients'. */
export interface ProxyThread {
  /** The api's environment through the proxy. */
  env: Record<string, string>;
  metrics(): Promise<ProxyMetricsSnapshot>;
  close(): Promise<void>;
}

/** True in the thread {@link startProxyThread} starts (the bench bundle is its entry point too). */
export const isProxyThread = (): boolean => (workerData as Partial<ProxyThreadData> | null)?.proxyThread === true;

/**
 * Starts the proxy in a worker thread running `entry` (the bench bundle, whose main hands over to
 * {@link runProxyThread} when {@link isProxyThread}).
 */
export async function startProxyThread(backend: LocalBackend, entry: string): Promise<ProxyThread> {
  const data: ProxyThreadData = { proxyThread: true, db: { host: backend.db.host, port: backend.db.port }, secretId: backend.secretId, secretsConfig: backend.secrets.clientConfig(), env: backend.env() };
  const worker = new Worker(entry, { workerData: data });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once('error', onError);
      worker.once('message', (reply: Reply) => {
        worker.off('error', onError);
        resolve(reply);
      });
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error(`proxy thread: expected ready, got ${ready.type}`);
  const ask = async <T extends Reply['type']>(type: T): Promise<Extract<Reply, { type: T }>> => {
    const reply = next();
    worker.postMessage(type);
    const answer = await reply;
    if (answer.type !== type) throw new Error(`proxy thread: expected ${type}, got ${answer.type}`);
    return answer as Extract<Reply, { type: T }>;
  };
  return {
    env: ready.env,
    metrics: async () => (await ask('metrics')).metrics,
    close: async () => {
      await ask('closed');
      await worker.terminate();
    },
  };
}

/** The thread's side: starts the proxy, answers `metrics` and `closed`. */
export async function runProxyThread(): Promise<void> {
  const data = workerData as ProxyThreadData;
  const backend = { db: data.db, secretId: data.secretId, secrets: { clientConfig: () => data.secretsConfig }, env: () => data.env } as unknown as LocalBackend;
  const through = await startBenchProxy(backend);
  const port = parentPort;
  if (port === null) throw new Error('proxy thread: no parent port');
  port.on('message', (type: string) => {
    if (type === 'metrics') port.postMessage({ type: 'metrics', metrics: through.proxy.metrics() } satisfies Reply);
    else if (type === 'closed') void through.close().then(() => port.postMessage({ type: 'closed' } satisfies Reply));
  });
  port.postMessage({ type: 'ready', env: through.env() } satisfies Reply);
}
