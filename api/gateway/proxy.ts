// Forwards one request to a service instance and streams the answer back (server-sent events included).
import type { Context } from 'hono';
import { problemResponse } from '../../common/http/problem.ts';
import { REQUEST_ID_HEADER } from '../../common/http/request-id.ts';
import { FORWARDED_FOR_HEADER, GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import { traceHeaders } from '../../common/observability/tracing.ts';
import type { UpstreamPool } from '../../common/http/upstream-pool.ts';

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
];

export interface ProxyOptions {
  pool: UpstreamPool;
  /** Path and query on the upstream, e.g. `/bookings?limit=10`. */
  target: string;
  /** Time allowed until the upstream's response headers arrive. */
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Set on the upstream request, replacing whatever the client sent under those names. */
  headers?: Record<string, string>;
}

function upstreamRequestHeaders(c: Context, extra: Record<string, string> = {}): Headers {
  const headers = new Headers(c.req.raw.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  // Only the gateway may vouch for a client address; a client's own claims are dropped.
  headers.delete(GATEWAY_PROOF_HEADER);
  headers.delete(FORWARDED_FOR_HEADER);
  const requestId = c.get('requestId' as never) as string;
  headers.set(REQUEST_ID_HEADER, requestId);
  const url = new URL(c.req.url);
  headers.set('x-forwarded-host', c.req.header('host') ?? url.host);
  headers.set('x-forwarded-proto', url.protocol.replace(':', ''));
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  // The service continues the gateway's trace (the gateway only links a client's own trace context).
  headers.delete('traceparent');
  headers.delete('tracestate');
  for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
  return headers;
}

function downstreamHeaders(upstream: Headers): Headers {
  const headers = new Headers(upstream);
  for (const name of HOP_BY_HOP) headers.delete(name);
  // fetch has already decoded a compressed body, so its encoding and length no longer describe what we send.
  if (headers.has('content-encoding')) {
    headers.delete('content-encoding');
    headers.delete('content-length');
  }
  return headers;
}

function isConnectionFailure(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } })?.cause?.code;
  return (
    err instanceof TypeError &&
    code !== undefined &&
    ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'].includes(code)
  );
}

/** Bodies up to this size are read before sending, so they can go to another instance if the first is down. */
const REPLAYABLE_BODY_BYTES = 1024 * 1024;

/** The request body as something that can be sent again, or the stream itself when it is large or of unknown size. */
async function requestBody(c: Context): Promise<{ body: RequestInit['body']; replayable: boolean }> {
  if (c.req.raw.body === null || ['GET', 'HEAD'].includes(c.req.method)) return { body: undefined, replayable: true };
  const length = Number(c.req.header('content-length'));
  if (Number.isFinite(length) && length <= REPLAYABLE_BODY_BYTES) return { body: await c.req.arrayBuffer(), replayable: true };
  return { body: c.req.raw.body, replayable: false };
}

export async function proxyRequest(c: Context, options: ProxyOptions): Promise<Response> {
  const { pool, target, timeoutMs } = options;
  const doFetch = options.fetch ?? fetch;
  const method = c.req.method;
  const { body, replayable } = await requestBody(c);
  const tried = new Set<string>();
  const headers = upstreamRequestHeaders(c, options.headers);

  for (let base = pool.next(tried); base !== undefined; base = pool.next(tried)) {
    tried.add(base);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    try {
      const upstream = await doFetch(base + target, {
        method,
        headers,
        body,
        signal: AbortSignal.any([timeout.signal, c.req.raw.signal]),
        redirect: 'manual',
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      });
      return new Response(upstream.body, {
        status: upstream.status,
        statusText: upstream.statusText,
        headers: downstreamHeaders(upstream.headers),
      });
    } catch (err) {
      if (timeout.signal.aborted) {
        return problemResponse(c, 504, 'UPSTREAM_TIMEOUT', `The ${pool.service} service did not answer within ${timeoutMs} ms.`);
      }
      if (!isConnectionFailure(err)) throw err;
      pool.markDown(base, (err as { cause?: { code?: string } }).cause?.code ?? 'unreachable');
      // A streamed body is gone once sent; anything else moves on to the next instance.
      if (!replayable) break;
    } finally {
      clearTimeout(timer);
    }
  }
  return problemResponse(c, 503, 'SERVICE_UNAVAILABLE', `No instance of the ${pool.service} service is reachable.`);
}
