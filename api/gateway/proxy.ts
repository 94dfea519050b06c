// Forwards one request to a service instance and streams the answer back (server-sent events included), over node:http
// with one keep-alive agent per service: no fetch objects or web streams on the way unless a caller asks for a Response.
import { Agent as HttpAgent, request as httpRequest, ServerResponse, type IncomingMessage } from 'node:http';
import type { ClientRequest, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { propagation, context as traceContext, type TextMapSetter } from '@opentelemetry/api';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { honorsIdempotencyKey } from '../../common/http/keyed-routes.ts';
import { problemResponse } from '../../common/http/problem.ts';
import { REQUEST_ID_HEADER } from '../../common/http/request-id.ts';
import { nodeRequestOf } from '../../common/http/request-headers.ts';
import { FORWARDED_FOR_HEADER, GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import type { UpstreamPool } from '../../common/http/upstream-pool.ts';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** Starts one request to an instance of `service`: node:http's request() over that service's agent, or a stand-in. */
export interface UpstreamTransport {
  request(service: string, url: URL, options: RequestOptions): ClientRequest;
}

/** Sockets kept per instance: well above what one gateway process keeps busy, so a burst never queues on the agent. */
const MAX_SOCKETS_PER_INSTANCE = 1024;

/**
 * node:http over one keep-alive agent per service (and scheme). The most recently freed socket goes first (lifo), so
 * the sockets a quiet moment leaves idle are the ones that time out, and a busy one is never left to go stale. The
 * agent closes an idle socket a second before the instance's announced keep-alive timeout, so a request is seldom
 * written on a socket the instance is closing.
 */
export function keepAliveTransport(): UpstreamTransport {
  const agents = new Map<string, HttpAgent>();
  const agentFor = (service: string, https: boolean): HttpAgent => {
    const key = `${https ? 'https' : 'http'}:${service}`;
    let agent = agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_INSTANCE, scheduling: 'lifo' as const };
      agent = https ? new HttpsAgent(options) : new HttpAgent(options);
      agents.set(key, agent);
    }
    return agent;
  };
  return {
    request(service, url, options) {
      const https = url.protocol === 'https:';
      return (https ? httpsRequest : httpRequest)(url, { ...options, agent: agentFor(service, https) });
    },
  };
}

export interface ProxyOptions {
  pool: UpstreamPool;
  /** Path and query on the upstream, e.g. `/bookings?limit=10`. */
  target: string;
  /** Time allowed until the upstream's response headers arrive. */
  timeoutMs: number;
  transport: UpstreamTransport;
  /** Set on the upstream request, replacing whatever the client sent under those names. */
  headers?: Record<string, string>;
  /**
   * The answer as a Response whose body the caller reads (decoded, if the instance compressed it). Otherwise, when the
   * gateway runs on node:http, the answer is written straight to the client and the Response returned only says so.
   */
  asResponse?: boolean;
}

/**
 * Client headers never forwarded: only the gateway may vouch for a client address, so a client's own claims are
 * dropped; the service continues the gateway's trace (the gateway only links a client's own trace context); and the
 * ones the gateway sets itself.
 */
const DROPPED_REQUEST_HEADERS = new Set([
  // The body's framing is the gateway's own: it sends the body it read (bytes with their length, or a stream
  // chunked). A client's Content-Length on a request whose body is not sent on (a GET) would leave the service
  // waiting for bytes that the next request on the kept-alive socket would then supply: request smuggling.
  'content-length',
  GATEWAY_PROOF_HEADER,
  FORWARDED_FOR_HEADER,
  'traceparent',
  'tracestate',
  REQUEST_ID_HEADER,
  'x-forwarded-host',
  'x-forwarded-proto',
]);

/**
 * Headers node:http keeps only the first of when they are repeated (IncomingMessage.headers): forwarded the same way,
 * so the service reads what the gateway read.
 */
const FIRST_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** Whether a client header line goes on to the service (`seen` keeps the first-only names met so far). */
function forwardsHeader(name: string, replaced: string[], seen: Set<string>): boolean {
  if (HOP_BY_HOP.has(name) || DROPPED_REQUEST_HEADERS.has(name) || replaced.includes(name)) return false;
  if (!FIRST_ONLY.has(name)) return true;
  if (seen.has(name)) return false;
  seen.add(name);
  return true;
}

/** Puts trace headers straight into a header list. */
const headerListSetter: TextMapSetter<string[]> = { set: (list, key, value) => void list.push(key, value) };

/** Where the upstream's Host goes in the list the attempts share: each attempt writes its instance's. */
const HOST_VALUE_INDEX = 1;

/**
 * The upstream request's headers as a [name, value, …] list, which node:http writes as it is (a header object is
 * validated and copied name by name). Client header lines go on as they came, minus the hop-by-hop ones and those the
 * gateway sets: the request id, the forwarded host and scheme, `extra` (lower-case names) and the trace context.
 */
function upstreamRequestHeaders(c: Context, extra: Record<string, string> = {}): string[] {
  const headers: string[] = ['host', ''];
  const replaced = Object.keys(extra).map((name) => name.toLowerCase());
  const seen = new Set<string>();
  let clientHost: string | undefined;
  const raw = nodeRequestOf(c)?.rawHeaders;
  // Headers the client's Connection header names are hop-by-hop too (RFC 9110 §7.6.1): they end here.
  const connection = raw
    ? raw.filter((_, i) => i % 2 === 1 && raw[i - 1]!.toLowerCase() === 'connection')
    : [c.req.header('connection') ?? ''];
  for (const value of connection) for (const name of value.split(',')) if (name.trim()) replaced.push(name.trim().toLowerCase());
  if (raw) {
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      if (name === 'host') clientHost ??= raw[i + 1];
      else if (forwardsHeader(name, replaced, seen)) headers.push(raw[i]!, raw[i + 1]!);
    }
  } else {
    clientHost = c.req.raw.headers.get('host') ?? undefined;
    c.req.raw.headers.forEach((value, name) => {
      if (forwardsHeader(name, replaced, seen)) headers.push(name, value);
    });
  }
  const url = c.req.url;
  headers.push(REQUEST_ID_HEADER, c.get('requestId' as never) as string);
  headers.push('x-forwarded-host', clientHost ?? new URL(url).host);
  headers.push('x-forwarded-proto', url.slice(0, url.indexOf(':')));
  for (const [name, value] of Object.entries(extra)) headers.push(name.toLowerCase(), value);
  propagation.inject(traceContext.active(), headers, headerListSetter);
  return headers;
}

/**
 * The instance's answer headers as [name, value, name, value, …] for writeHead, without hop-by-hop ones, and whether
 * the answer says its length (read off the same lines: asking res.headers would build node's header object).
 */
function clientAnswerHeaders(res: IncomingMessage, requestId: string): { headers: string[]; sized: boolean } {
  const raw = res.rawHeaders;
  const headers: string[] = [];
  let sized = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'content-length') sized = true;
    if (HOP_BY_HOP.has(name) || name === REQUEST_ID_HEADER) continue;
    headers.push(raw[i]!, raw[i + 1]!);
  }
  // The middleware sets it on the Response, which is not what the client gets here.
  headers.push(REQUEST_ID_HEADER, requestId);
  return { headers, sized };
}

/** Statuses whose Response has no body (a Response refuses one). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/** The answer as a Response with its body decoded, for a caller that reads it. */
function answerAsResponse(c: Context, res: IncomingMessage): Response {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) headers.append(raw[i]!, raw[i + 1]!);
  const status = res.statusCode ?? 502;
  if (c.req.method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
    res.resume();
    return new Response(null, { status, statusText: res.statusMessage, headers });
  }
  let body: Readable = res;
  const decoder = decoderFor(res.headers['content-encoding']);
  if (decoder) {
    // The caller reads the body itself, so it gets it decoded; its encoding and length no longer describe it.
    headers.delete('content-encoding');
    headers.delete('content-length');
    body = pipeline(res, decoder, () => undefined);
  }
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { status, statusText: res.statusMessage, headers });
}

function decoderFor(encoding: string | undefined) {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * The platform's own Response. @hono/node-server puts a lighter one of its own in the global's place (built on the
 * platform's), and would write the head of that one to the client although the answer was written already.
 */
function platformResponse(): typeof Response {
  const base = Object.getPrototypeOf(Response) as unknown;
  return base === Function.prototype ? Response : (base as typeof Response);
}

/**
 * What stands for an answer already written, one per status: it only carries the status for the middleware (access
 * log, metrics, tracing) and the mark @hono/node-server looks for, and nothing changes it, so one serves every answer.
 */
const sentMarkers = new Map<number, Response>();

function answerSent(status: number): Response {
  let marker = sentMarkers.get(status);
  if (!marker) {
    marker = new (platformResponse())(null, { status, headers: RESPONSE_ALREADY_SENT.headers });
    sentMarkers.set(status, marker);
  }
  return marker;
}

/**
 * Writes the answer straight to the client's node response and returns a Response that only tells @hono/node-server
 * it is sent, with the answer's status for the middleware to see. Either side closing early closes the other: a
 * client that leaves an event stream ends the request to the instance.
 */
function answerToClient(c: Context, outgoing: ServerResponse, res: IncomingMessage): Response {
  const status = res.statusCode ?? 502;
  const answer = clientAnswerHeaders(res, c.get('requestId' as never) as string);
  outgoing.writeHead(status, res.statusMessage, answer.headers);
  // A body of unknown length (an event stream) may start with a pause: its head goes out at once. A sized one leaves
  // in the same packet as its head.
  if (!answer.sized) outgoing.flushHeaders();
  // Piped by hand: stream.pipeline would make (and abort) an AbortController per answer, a cost on every request.
  res.pipe(outgoing);
  res.on('error', () => outgoing.destroy());
  res.once('close', () => {
    if (!res.complete) outgoing.destroy();
  });
  outgoing.once('close', () => {
    if (!res.complete) res.destroy();
  });
  return answerSent(status);
}

/** The client's node response, when the gateway runs on node:http and nothing was written to it yet. */
function nodeResponseOf(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * Calls `gone` once the client goes away before its answer; returns what stops watching. On node:http that is its
 * response closing before anything was written (the Request's signal says the same, through an AbortController
 * made for every request that asks for it).
 */
function watchClient(c: Context, gone: () => void): () => void {
  const outgoing = nodeResponseOf(c);
  if (outgoing) {
    if (outgoing.destroyed) gone();
    else outgoing.once('close', gone);
    return () => outgoing.off('close', gone);
  }
  const signal = c.req.raw.signal;
  if (signal.aborted) gone();
  else signal.addEventListener('abort', gone, { once: true });
  return () => signal.removeEventListener('abort', gone);
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

type RequestBody = { kind: 'none' } | { kind: 'bytes'; bytes: Buffer } | { kind: 'stream'; stream: ReadableStream<Uint8Array> };

/** The request body as bytes that can be sent again, or the stream itself when it is large or of unknown size. */
async function requestBody(c: Context): Promise<RequestBody> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.raw.body === null) return { kind: 'none' };
  const length = Number(c.req.header('content-length'));
  if (Number.isFinite(length) && length <= REPLAYABLE_BODY_BYTES) return { kind: 'bytes', bytes: Buffer.from(await c.req.arrayBuffer()) };
  return { kind: 'stream', stream: c.req.raw.body };
}

/** The Content-Length of what is sent upstream: the bytes read, none for a stream (sent chunked) or a GET/HEAD. */
function bodyLength(method: string, body: RequestBody): string | undefined {
  if (body.kind === 'bytes') return String(body.bytes.length);
  if (body.kind === 'none' && method !== 'GET' && method !== 'HEAD') return '0';
  return undefined;
}

/**
 * How one try went. A failure is `never` sent when its socket never connected (refused, unreachable, no such host, a
 * connect timeout): the instance cannot have seen the request, so it may go to the next one whatever its method. On a
 * socket that was connected (a kept-alive one, or a new one once it connected) it is `maybe` sent: reset, closed by
 * the peer as the request was written, a broken pipe; the instance may have received the request and acted on it.
 */
type Attempt =
  | { kind: 'answered'; res: IncomingMessage }
  | { kind: 'timed-out' }
  | { kind: 'client-gone' }
  | { kind: 'failed'; code: string; sent: 'never' | 'maybe' };

interface AttemptRequest {
  transport: UpstreamTransport;
  service: string;
  url: URL;
  method: string;
  headers: string[];
  body: RequestBody;
  timeoutMs: number;
  /** Calls its argument if the client goes away; returns what stops watching. */
  watchClient: (gone: () => void) => () => void;
}

function attempt(a: AttemptRequest): Promise<Attempt> {
  return new Promise<Attempt>((resolve) => {
    // A transport that throws fails the request as a gateway error, as anything unexpected does.
    const req = a.transport.request(a.service, a.url, { method: a.method, headers: a.headers });
    let connected = false;
    let settled = false;
    let unwatch: () => void = () => undefined;
    const settle = (outcome: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unwatch();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      settle({ kind: 'timed-out' });
      req.destroy();
    }, a.timeoutMs);
    const onClientGone = () => {
      settle({ kind: 'client-gone' });
      req.destroy();
    };
    req.on('socket', (socket: Socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('encrypted' in socket ? 'secureConnect' : 'connect', () => (connected = true));
    });
    req.on('response', (res: IncomingMessage) => {
      if (settled) res.destroy();
      else settle({ kind: 'answered', res });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      settle({ kind: 'failed', code: err.code ?? err.message, sent: connected || req.reusedSocket ? 'maybe' : 'never' });
    });
    unwatch = a.watchClient(onClientGone);
    if (settled) return;
    if (a.body.kind === 'bytes') req.end(a.body.bytes);
    else if (a.body.kind === 'stream') pipeline(Readable.fromWeb(a.body.stream as never), req, () => undefined);
    else req.end();
  });
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
  const body = await requestBody(c);
  const replayable = body.kind !== 'stream';
  const tried = new Set<string>();
  const headers = upstreamRequestHeaders(c, options.headers);
  const framing = bodyLength(c.req.method, body);
  if (framing !== undefined) headers.push('content-length', framing);
  // Set once an instance may have received the request: from then on, running out of instances is not "unreachable".
  let maybeReceived = false;

  for (let base = pool.next(tried); base !== undefined; base = pool.next(tried)) {
    tried.add(base);
    const url = new URL(base + target);
    headers[HOST_VALUE_INDEX] = url.host;
    const outcome = await attempt({
      transport: options.transport,
      service: pool.service,
      url,
      method: c.req.method,
      headers,
      body,
      timeoutMs,
      watchClient: (gone) => watchClient(c, gone),
    });
    if (outcome.kind === 'answered') {
      const outgoing = options.asResponse ? undefined : nodeResponseOf(c);
      return outgoing ? answerToClient(c, outgoing, outcome.res) : answerAsResponse(c, outcome.res);
    }
    if (outcome.kind === 'timed-out') {
      return problemResponse(
        c,
        504,
        'UPSTREAM_TIMEOUT',
        `The ${pool.service} service did not answer within ${timeoutMs} ms; the request may still complete. ${outcomeAdvice(c, target)}`,
      );
    }
    if (outcome.kind === 'client-gone') {
      // Nobody reads this answer; the access log does.
      return problemResponse(c, 502, 'CLIENT_CLOSED_REQUEST', 'The client closed the connection before the answer.');
    }
    pool.markDown(base, outcome.code);
    if (outcome.sent === 'maybe') {
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
  }
  if (maybeReceived) return connectionLost(c, pool.service, target, true);
  return problemResponse(c, 503, 'SERVICE_UNAVAILABLE', `No instance of the ${pool.service} service is reachable.`);
}
