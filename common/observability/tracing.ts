// Traces: one OpenTelemetry tracer provider per process. The W3C trace context crosses HTTP (traceparent), Temporal
// (workflow and activity headers) and RabbitMQ (message headers), so one booking is one trace. Spans leave over
// OTLP/HTTP when an endpoint is configured and go nowhere otherwise; trace ids still reach logs and 5xx answers.
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context as TraceContext,
  type Link,
  type Span,
  type SpanContext,
  type TextMapGetter,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator, type InstrumentationScope } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { randomFillSync } from 'node:crypto';
import type { Context as HonoContext, MiddlewareHandler } from 'hono';
import type { Config } from '../config.ts';
import { matchedRoute, PROBE_PATHS } from '../http/matched-route.ts';
import { requestHeader } from '../http/request-headers.ts';

export { SpanKind };

/** The span attribute naming the Eventix process that made a span (the resource says so too, per process). */
export const SERVICE_ATTRIBUTE = 'eventix.service';

/** A span made inside a workflow sandbox: the interceptors there build on OpenTelemetry 1.x and use its field names. */
type WorkflowSpan = Omit<ReadableSpan, 'instrumentationScope' | 'parentSpanContext'> & {
  instrumentationScope?: InstrumentationScope;
  instrumentationLibrary?: InstrumentationScope;
  parentSpanContext?: ReadableSpan['parentSpanContext'];
  parentSpanId?: string;
};

export interface Tracing {
  resource: Resource;
  /** Receives the spans that workflow sandboxes send out through the worker's `exporter` sink. */
  workflowSpans: Pick<SpanProcessor, 'onEnd' | 'forceFlush' | 'shutdown'> & { onStart(): void };
  /** Sends what is buffered (call before a process exits). */
  flush(): Promise<void>;
}

/**
 * Installs tracing for this process: context through AsyncLocalStorage, W3C propagation, and a tracer provider whose
 * spans go to `processors` (tests pass an in-memory one), else to OTLP when configured, else nowhere. The process's
 * entry point calls it once and hands the answer to whatever needs it (the Temporal worker's workflow-span sink).
 */
export function installTracing(service: string, config: Pick<Config, 'tracing'>, processors?: SpanProcessor[]): Tracing {
  const url = config.tracing.otlpTracesUrl;
  const sinks = processors ?? (url ? [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) })] : []);
  const resource = resourceFromAttributes({ 'service.name': `eventix-${service}`, 'service.namespace': 'eventix' });
  const provider = new TracerProvider({ resource, spanProcessors: sinks });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // The API keeps the first provider a process registers; a later install leaves its spans where they went.
  if (trace.setGlobalTracerProvider(provider)) spansKept = sinks.length > 0;
  return {
    resource,
    workflowSpans: {
      onStart: () => undefined,
      onEnd: (span) => {
        const converted = fromWorkflow(span);
        for (const sink of sinks) sink.onEnd(converted);
      },
      forceFlush: () => provider.forceFlush(),
      shutdown: () => Promise.resolve(),
    },
    flush: () => provider.forceFlush(),
  };
}

/**
 * Whether this process's spans go anywhere. Without a sink a request's server span is only its ids (for log lines,
 * 5xx answers and the traceparent sent on), so it is made without the SDK's recording work; true until tracing is
 * installed, so a process without it keeps the API's own no-op spans.
 */
let spansKept = true;

/** Workflow spans arrive in OpenTelemetry 1.x shape; today's exporters read `instrumentationScope` and `parentSpanContext`. */
function fromWorkflow(span: WorkflowSpan): ReadableSpan {
  const { instrumentationLibrary, parentSpanId, ...rest } = span;
  const own = span.spanContext();
  return {
    ...rest,
    instrumentationScope: span.instrumentationScope ?? instrumentationLibrary ?? { name: '@temporalio/interceptor-workflow' },
    parentSpanContext:
      span.parentSpanContext ??
      (parentSpanId ? { traceId: own.traceId, spanId: parentSpanId, traceFlags: own.traceFlags, isRemote: false } : undefined),
  };
}

export function tracer() {
  return trace.getTracer('eventix');
}

/** The trace and span ids of the active span, for log lines; empty outside any span. */
export function traceFields(): { traceId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/** The W3C headers (traceparent, tracestate) that carry the active trace context on. */
export function traceHeaders(from: TraceContext = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** A context whose active span is `span`, to inject it into headers or start its children. */
export function contextOf(span: Span): TraceContext {
  return trace.setSpan(ROOT_CONTEXT, span);
}

const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** The trace context a message or request arrived with (an empty root context when it carries none). */
export function extractTraceContext(carrier: Headers | Record<string, unknown> | undefined): TraceContext {
  if (!carrier) return ROOT_CONTEXT;
  if (carrier instanceof Headers) return propagation.extract(ROOT_CONTEXT, carrier, headersGetter);
  const strings = Object.fromEntries(Object.entries(carrier).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return propagation.extract(ROOT_CONTEXT, strings);
}

/** Marks the active span failed with `err` (for errors that are handled, so never reach `inSpan`). */
export function recordFailure(err: unknown): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Runs `fn` in a new active span that ends when it settles; a thrown error marks the span failed. */
export function inSpan<T>(
  name: string,
  options: { kind: SpanKind; attributes?: Attributes; parent?: TraceContext; links?: Link[] },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes, links: options.links },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        recordFailure(err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Random bytes for span and trace ids, drawn from a buffer refilled now and then rather than per id. */
const ID_POOL = Buffer.allocUnsafe(4096);
let idPoolOffset = ID_POOL.length;

function randomHexId(bytes: 8 | 16): string {
  for (;;) {
    if (idPoolOffset + bytes > ID_POOL.length) {
      randomFillSync(ID_POOL);
      idPoolOffset = 0;
    }
    const id = ID_POOL.toString('hex', idPoolOffset, (idPoolOffset += bytes));
    // All zeroes is the invalid id (W3C trace context); vanishingly rare, and drawn again.
    if (!/^0+$/.test(id)) return id;
  }
}

/**
 * The ids the SDK would give a request's server span, without recording it: a child of the caller's context (its
 * sampling decision and trace state carried on, as the SDK's parent-based sampler does), or the root of a new trace.
 */
function unrecordedSpan(parent: SpanContext | undefined): Span {
  const continued = parent && isSpanContextValid(parent) ? parent : undefined;
  return trace.wrapSpanContext({
    traceId: continued?.traceId ?? randomHexId(16),
    spanId: randomHexId(8),
    traceFlags: continued?.traceFlags ?? TraceFlags.SAMPLED,
    traceState: continued?.traceState,
    isRemote: false,
  });
}

/** Reads the caller's trace headers one by one, without building the request's Headers. */
const requestGetter: TextMapGetter<HonoContext> = {
  get: (c, key) => requestHeader(c, key),
  keys: () => ['traceparent', 'tracestate'],
};

/**
 * One server span per request. Everything the request does (its log lines, its calls to Temporal, the outbox rows it
 * writes) happens inside that span. Probes and scrapes make no spans. Services continue the caller's `traceparent`;
 * at the `edge` (the gateway) a client's trace context is only linked, so no client can choose our trace ids, join
 * another customer's trace, or switch recording off. `routeOf` names what the route template alone does not. When no
 * span leaves the process, the span carries its ids only: nothing would read its name or attributes.
 */
export function traceRequests(
  service: string,
  options: { edge?: boolean; routeOf?: (route: string, path: string) => string } = {},
): MiddlewareHandler {
  const routeOf = options.routeOf ?? ((route) => route);
  const unrecorded: MiddlewareHandler = (c, next) => {
    const parent = options.edge ? undefined : propagation.extract(ROOT_CONTEXT, c, requestGetter);
    const span = unrecordedSpan(parent && trace.getSpanContext(parent));
    return context.with(trace.setSpan(parent ?? ROOT_CONTEXT, span), next);
  };
  const recorded: MiddlewareHandler = (c, next) => {
    const incoming = propagation.extract(ROOT_CONTEXT, c, requestGetter);
    const client = options.edge ? trace.getSpanContext(incoming) : undefined;
    return inSpan(
      c.req.method,
      {
        kind: SpanKind.SERVER,
        parent: options.edge ? ROOT_CONTEXT : incoming,
        links: client && isSpanContextValid(client) ? [{ context: client }] : undefined,
        attributes: { [SERVICE_ATTRIBUTE]: service, 'http.request.method': c.req.method, 'url.path': c.req.path },
      },
      async (span) => {
        await next();
        const route = matchedRoute(c);
        span.updateName(`${c.req.method} ${routeOf(route, c.req.path)}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': c.res.status });
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      },
    );
  };
  return (c, next) => {
    if (PROBE_PATHS.has(c.req.path)) return next();
    return spansKept ? recorded(c, next) : unrecorded(c, next);
  };
}
