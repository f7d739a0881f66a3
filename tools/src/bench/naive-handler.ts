import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createConnection, type Connection } from 'mysql2/promise';

/**
 * The workshop's module-4 shape, ported for comparison: at "module scope" (here: when made) the secret is fetched
 * once and one mysql2 connection is opened; every request reuses that connection, nothing reconnects.
 */
export async function naiveHandler(options: { secretId: string; host: string; port: number; database: string; ca?: string }) {
  const client = new SecretsManagerClient({});
  const secret = JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: options.secretId }))).SecretString ?? '{}');
  client.destroy();
  const conn: Connection = await createConnection({
    host: options.host,
    port: options.port,
    user: secret.username,
    password: secret.password,
    database: options.database,
    ...(options.ca ? { ssl: { ca: options.ca } } : {}),
  });
  conn.on('error', () => undefined); // a dropped connection must not crash the process; the next query fails instead
  const errors = new Map<string, number>();
  return {
    /** How often each error code was met (`code`, else `errno`), for the report. */
    errors,
    /** `GET /`: 200 with the database's time, 500 on any error. */
    get: async (): Promise<number> => {
      try {
        await conn.query("SELECT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%s') AS now");
        return 200;
      } catch (error) {
        const { code, errno, message } = error as { code?: string; errno?: number; message?: string };
        const key = code ?? (message?.includes('closed state') ? '"closed state"' : String(errno ?? 'other'));
        errors.set(key, (errors.get(key) ?? 0) + 1);
        return 500;
      }
    },
    dispose: async () => conn.destroy(),
  };
}
