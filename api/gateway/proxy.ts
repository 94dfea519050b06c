// Forwards one request to a service instance and streams the answer back (server-sent events included).
import type { Context } from 'hono';
import { honorsIdempotencyKey } from '../../common/http/keyed-routes.ts';
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

/**
 * Failures before any connection existed (refused, unreachable, no such host, connect timeout): the instance cannot
 * have seen the request, so it may go to the next one whatever its method. undici fails a request with these only
 * while connecting; a request already written on a socket fails with that socket's error instead.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Failures of a connection the request went out on, or was going out on: reset, "other side closed" (also a pooled
 * keep-alive socket the peer closed as the request was written), a broken pipe, a stalled socket. The instance may have
 * received the request and acted on it.
 */
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_SOCKET']);

type Failure = { code: string; sent: 'never' | 'maybe' };

/** What a failed fetch says about the request: never sent, maybe sent, or (undefined) not a connection failure at all. */
function connectionFailure(err: unknown): Failure | undefined {
  if (!(err instanceof TypeError)) return undefined;
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === undefined) return undefined;
  if (Array.isArray(cause?.errors)) {
    // Node raises an AggregateError only for a connect that tried several addresses; an address that was too slow to
    // accept fails there with ETIMEDOUT, still before anything was sent.
    const connectPhase = cause.errors.every((e) => typeof e?.code === 'string' && (NEVER_SENT.has(e.code) || e.code === 'ETIMEDOUT'));
    return { code, sent: connectPhase ? 'never' : 'maybe' };
  }
  if (NEVER_SENT.has(code)) return { code, sent: 'never' };
  if (MAYBE_SENT.has(code)) return { code, sent: 'maybe' };
  return undefined;
}

/** Methods whose repeat changes nothing more than the first (RFC 9110 §9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Whether a request that may have reached one instance can go to another: its method is idempotent, or it carries an
 * Idempotency-Key on a route that answers a repeat with the first request's outcome (a key sent elsewhere, say on a
 * token refresh, is ignored there, and a repeat would act twice).
 */
function resendable(c: Context, target: string): boolean {
  if (IDEMPOTENT_METHODS.has(c.req.method)) return true;
  const keyed = (c.req.header('idempotency-key')?.trim() ?? '') !== '';
  return keyed && honorsIdempotencyKey(c.req.method, target.split('?')[0]!);
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

/** What a client can do about a request the gateway cannot vouch for: look up its outcome, or repeat it safely. */
function outcomeAdvice(c: Context, target: string): string {
  const requestId = c.get('requestId' as never) as string;
  if (IDEMPOTENT_METHODS.has(c.req.method)) return `Sending it again changes nothing more (request id ${requestId}).`;
  if (resendable(c, target)) return `Send it again with the same Idempotency-Key to get its outcome (request id ${requestId}).`;
  return (
    `Look up its outcome (request id ${requestId}) before sending it again, or send it with an Idempotency-Key ` +
    'header so that a retry returns the first outcome.'
  );
}

/** 502: an instance may have received the request and acted on it, and no answer came back. */
function connectionLost(c: Context, service: string, target: string, everyInstance: boolean): Response {
  const where = everyInstance ? `No instance of the ${service} service answered, and one` : `The ${service} service`;
  return problemResponse(
    c,
    502,
    'UPSTREAM_CONNECTION_LOST',
    `${where} lost the connection after the request was sent: it may have been carried out. ${outcomeAdvice(c, target)}`,
  );
}

export async function proxyRequest(c: Context, options: ProxyOptions): Promise<Response> {
  const { pool, target, timeoutMs } = options;
  const doFetch = options.fetch ?? fetch;
  const method = c.req.method;
  const { body, replayable } = await requestBody(c);
  const tried = new Set<string>();
  const headers = upstreamRequestHeaders(c, options.headers);
  // Set once an instance may have received the request: from then on, running out of instances is not "unreachable".
  let maybeReceived = false;

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
        return problemResponse(
          c,
          504,
          'UPSTREAM_TIMEOUT',
          `The ${pool.service} service did not answer within ${timeoutMs} ms; the request may still complete. ${outcomeAdvice(c, target)}`,
        );
      }
      const failure = connectionFailure(err);
      if (failure === undefined) throw err;
      pool.markDown(base, failure.code);
      if (failure.sent === 'maybe') {
        maybeReceived = true;
        // Sending it again could do it twice (a second charge, a refused pay for a booking that goes on to confirm).
        if (!replayable || !resendable(c, target)) return connectionLost(c, pool.service, target, false);
      }
      // A streamed body is gone once sent, even to an instance that was never reached.
      if (!replayable) {
        return problemResponse(
          c,
          503,
          'SERVICE_UNAVAILABLE',
          `An instance of the ${pool.service} service is unreachable and a streamed request body cannot be sent to ` +
            'another; nothing was received, so the request can be sent again.',
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }
  if (maybeReceived) return connectionLost(c, pool.service, target, true);
  return problemResponse(c, 503, 'SERVICE_UNAVAILABLE', `No instance of the ${pool.service} service is reachable.`);
}
