import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A listening server that can be shut down even with keep-alive connections open. */
export interface HttpListener {
  port: number;
  /** `http://host:port`, IPv6 hosts in brackets. */
  origin: string;
  /** Stops listening and destroys every open connection; idempotent. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (0 = a free port). Connections are tracked so `close()` never waits for
 * an idle keep-alive socket or a request still in flight, and jest is not left hanging.
 */
export async function listen(host: string, port: number, onRequest: RequestListener): Promise<HttpListener> {
  const sockets = new Set<Socket>();
  const server = createServer(onRequest);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
