// A reference server for P1 as a process of its own: answers every request with the same status, headers and body
// (captured from Eventix), either with node:http alone (REF_KIND=node) or with plain Hono on @hono/node-server
// (REF_KIND=hono). Prints "listening <port>" once it serves.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const answer = JSON.parse(process.env.REF_ANSWER!) as Answer;
const body = Buffer.from(answer.body, 'base64');
const headers = { ...answer.headers, 'content-length': String(body.length) };

if (process.env.REF_KIND === 'hono') {
  const app = new Hono();
  app.all('*', (c) => c.body(body, answer.status as 200, answer.headers));
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`listening ${info.port}`));
} else {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(answer.status, headers);
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
}
// Keep-alive sockets would hold a closing server open; the process simply ends.
process.once('SIGTERM', () => process.exit(0));
process.once('disconnect', () => process.exit(0));
