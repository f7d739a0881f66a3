import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';

/**
 * The workshop's handler, ported for comparison: every request fetches the
 * secret and opens a new database connection (the workshop never closes it;
 * this one does, so the benchmark does not exhaust the server).
 */
export function workshopHandler(options: { secretId: string; host: string; port: number; database: string }) {
  return async () => {
    const client = new SecretsManagerClient({});
    const secret = JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: options.secretId }))).SecretString ?? '{}');
    client.destroy();
    const conn = await createConnection({ host: options.host, port: options.port, user: secret.username, password: secret.password, database: options.database });
    try {
      const [rows] = await conn.query("SELECT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%s') AS now");
      return { statusCode: 200, body: JSON.stringify((rows as Array<{ now: string }>)[0]?.now) };
    } finally {
      await conn.end();
    }
  };
}
