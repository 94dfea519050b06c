// Starts a Hono app on a port and stops it without waiting on long-lived streams.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export function listen(app: { fetch: (req: Request) => Response | Promise<Response> }, port: number, hostname: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Server-sent event streams never end on their own; cut them so shutdown is prompt.
            server.closeIdleConnections?.();
            setTimeout(() => server.closeAllConnections?.(), 1_000).unref();
          }),
      });
    }) as Server;
    server.once('error', reject);
  });
}
