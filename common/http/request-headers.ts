// Request headers read on every request without building the web Headers of the whole request: on node:http
// (@hono/node-server) straight from the header lines node parsed; elsewhere (app.request() in tests) from the Request.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** The node:http request under a Hono context, when the app runs on @hono/node-server. */
export function nodeRequestOf(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/**
 * A request header by its lower-case name, as the Request's Headers would answer it (repeated lines joined with ", "),
 * or undefined. Reading the raw lines costs a short scan; Hono's c.req.header() first copies every header into a
 * Headers object, which is most of a proxied read's header work.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const raw = nodeRequestOf(c)?.rawHeaders;
  if (!raw) return c.req.raw.headers.get(name) ?? undefined;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && key.toLowerCase() === name) value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}
