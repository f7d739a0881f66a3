import { connect, createServer, type AddressInfo, type Server } from 'node:net';

/** A relay that copies bytes between each client and a new connection to `target`, parsing nothing. */
export async function startBareRelay(target: { host: string; port: number }): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, noDelay: true });
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
