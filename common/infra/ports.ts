// Free TCP ports on the loopback interface, for test servers that must not collide with a running platform.
import { connect, createServer } from 'node:net';

// Below Linux's ephemeral range (32768 and up): a port handed out here is not also handed to an outgoing
// connection or a `listen(0)` elsewhere in the meantime, as an ephemeral one can be before its owner binds it.
const FIRST = 20_000;
const SPAN = 12_000;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port nothing listens on right now, chosen at random outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIRST + Math.floor(Math.random() * SPAN);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${FIRST + SPAN}`);
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
