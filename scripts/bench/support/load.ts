// The load generator: N workers in a closed loop (each sends its next request once its last one has answered), over
// keep-alive node:http agents, for a duration after a warm-up or for a fixed number of requests. Each sample is timed
// from the request's start to the last byte of its body; errors and non-2xx answers are counted apart from successes.
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentiles, round, type Percentiles } from './stats.ts';

export interface Sample<T> {
  /** Milliseconds from the start of the task to its end. */
  ms: number;
  value?: T;
  error?: string;
}

export interface LoopOptions<T> {
  concurrency: number;
  /** Measure for this long (after the warm-up); or */
  durationMs?: number;
  /** run exactly this many tasks (no warm-up). */
  count?: number;
  warmupMs?: number;
  /** One unit of work; `index` counts every task started, warm-up included. */
  task: (index: number, worker: number) => Promise<T>;
}

export interface LoopResult<T> {
  /** Samples that ended inside the measured window (every one in count mode). */
  samples: Sample<T>[];
  windowMs: number;
  perSecond: number;
}

/** Runs `task` from `concurrency` workers; only what ends inside the measured window is kept. */
export async function closedLoop<T>(options: LoopOptions<T>): Promise<LoopResult<T>> {
  if ((options.durationMs === undefined) === (options.count === undefined)) throw new Error('give either durationMs or count');
  const warmupMs = options.count === undefined ? (options.warmupMs ?? 1_000) : 0;
  const begin = performance.now();
  const windowStart = begin + warmupMs;
  const windowEnd = options.durationMs === undefined ? Number.POSITIVE_INFINITY : windowStart + options.durationMs;
  const samples: Sample<T>[] = [];
  let next = 0;
  const more = () => (options.count === undefined ? performance.now() < windowEnd : next < options.count);
  const worker = async (w: number) => {
    while (more()) {
      const index = next++;
      const started = performance.now();
      let sample: Sample<T>;
      try {
        const value = await options.task(index, w);
        sample = { ms: performance.now() - started, value };
      } catch (err) {
        sample = { ms: performance.now() - started, error: errorName(err) };
      }
      // Counted by when it ended: a window shorter than one task still sees the tasks that finish in it.
      const ended = started + sample.ms;
      if (ended >= windowStart && ended <= windowEnd) samples.push(sample);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const finished = performance.now();
  const windowMs = options.durationMs ?? finished - begin;
  return { samples, windowMs, perSecond: round((samples.length / windowMs) * 1000, 1) };
}

function errorName(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  return e.code ?? e.name ?? String(err);
}

export interface HttpRequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A keep-alive client over exactly `connections` sockets to one origin. */
export class HttpClient {
  readonly agent: Agent;
  readonly origin: URL;
  readonly timeoutMs: number;
  constructor(origin: string, connections: number, timeoutMs = 30_000) {
    this.origin = new URL(origin);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, scheduling: 'fifo' });
    this.timeoutMs = timeoutMs;
  }

  send(spec: HttpRequestSpec): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...spec.headers };
      if (spec.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        headers['content-length'] = Buffer.byteLength(spec.body);
      }
      const req = httpRequest(
        {
          agent: this.agent,
          host: this.origin.hostname,
          port: this.origin.port,
          method: spec.method ?? 'GET',
          path: spec.path,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      // A client that gives up: the request counts as an error, as it would for a customer.
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'TIMEOUT' })));
      req.on('error', reject);
      req.end(spec.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface HttpLoadResult {
  connections: number;
  windowMs: number;
  /** 2xx answers per second within the window. */
  perSecond: number;
  ok: number;
  /** Non-2xx answers by status. */
  statuses: Record<string, number>;
  /** Requests without an answer, by error code. */
  errors: Record<string, number>;
  /** Latency of the 2xx answers. */
  latencyMs: Percentiles;
}

export interface HttpLoadOptions {
  origin: string;
  connections: number;
  durationMs?: number;
  count?: number;
  warmupMs?: number;
  request: HttpRequestSpec | ((index: number) => HttpRequestSpec);
}

/** N connections sending `request` in a closed loop; answers are read in full before the next request goes. */
export async function httpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const client = new HttpClient(options.origin, options.connections);
  const spec = options.request;
  try {
    const run = await closedLoop({
      concurrency: options.connections,
      durationMs: options.durationMs,
      count: options.count,
      warmupMs: options.warmupMs,
      task: async (index) => (await client.send(typeof spec === 'function' ? spec(index) : spec)).status,
    });
    return summariseHttp(run, options.connections);
  } finally {
    client.close();
  }
}

export function summariseHttp(run: LoopResult<number>, connections: number): HttpLoadResult {
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const okLatencies: number[] = [];
  for (const s of run.samples) {
    if (s.error !== undefined) errors[s.error] = (errors[s.error] ?? 0) + 1;
    else if (s.value! >= 200 && s.value! < 300) okLatencies.push(s.ms);
    else statuses[String(s.value)] = (statuses[String(s.value)] ?? 0) + 1;
  }
  return {
    connections,
    windowMs: round(run.windowMs, 0),
    perSecond: round((okLatencies.length / run.windowMs) * 1000, 1),
    ok: okLatencies.length,
    statuses,
    errors,
    latencyMs: percentiles(okLatencies),
  };
}

/** One line for a progress log: "12,345 req/s, p50 1.2 ms, p99 4.5 ms (3 non-2xx, 0 errors)". */
export function describeLoad(r: HttpLoadResult): string {
  const non2xx = Object.values(r.statuses).reduce((a, b) => a + b, 0);
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  return `${r.perSecond.toLocaleString('en')} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms (${non2xx} non-2xx, ${errors} errors)`;
}
