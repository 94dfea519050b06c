// Calls from one Eventix process to another service: one instance of its pool at a time, on to the next when that one
// gives no usable answer, each under the same timeout, ending in one typed error when none did.
import type { ZodType } from 'zod';
import { traceHeaders } from '../observability/tracing.ts';
import { UpstreamPool } from './upstream-pool.ts';

/** How long one instance may take to answer before the next is asked. */
export const SERVICE_CALL_TIMEOUT_MS = 3_000;

export interface InstanceFailure {
  url: string;
  reason: string;
}

/** No instance of the service gave a usable answer; `failures` says why, for each instance asked. */
export class UpstreamUnavailable extends Error {
  override readonly name = 'UpstreamUnavailable';
  readonly service: string;
  readonly failures: InstanceFailure[];

  constructor(service: string, failures: InstanceFailure[]) {
    const reasons = failures.map((f) => `${f.url}: ${f.reason}`).join('; ');
    super(`no instance of the ${service} service answered (${reasons || 'none was asked'})`);
    this.service = service;
    this.failures = failures;
  }
}

/** Turns one instance's answer into the caller's result; whatever it throws counts against that instance. */
export type ReadAnswer<T> = (res: Response) => Promise<T>;

export interface CallOptions {
  headers?: Record<string, string>;
  /**
   * Time the whole call may take: an instance is given what is left of it (at most the client's timeout), and once
   * it is spent no further instance is asked. Without it each instance gets the client's timeout in full.
   */
  budgetMs?: number;
}

export interface ServiceClient {
  readonly service: string;
  /** Asks the instances in turn until `read` accepts an answer; throws UpstreamUnavailable when none did. */
  call<T>(path: string, read: ReadAnswer<T>, options?: CallOptions): Promise<T>;
  /** The common case: a 2xx JSON answer that `schema` accepts. */
  getJson<T>(path: string, schema: ZodType<T>, options?: CallOptions): Promise<T>;
}

export interface ServiceClientOptions {
  service: string;
  /** Base URLs of the service's instances, or a pool whose health someone else also tracks. */
  instances: string[] | UpstreamPool;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Told of every instance that failed, also when a later one answers (for callers that log each failure). */
  onInstanceFailure?: (failure: InstanceFailure) => void;
}

/** The body of a 2xx answer; any other status is this instance's failure. */
export async function okJson(res: Response): Promise<unknown> {
  if (!res.ok) throw new Error(`answered ${res.status}`);
  return res.json();
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch says only "fetch failed"; the cause names what happened (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, ...).
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${err.message} (${code})` : err.message;
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const { service } = options;
  const pool = options.instances instanceof UpstreamPool ? options.instances : new UpstreamPool(service, options.instances);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? SERVICE_CALL_TIMEOUT_MS;

  async function call<T>(path: string, read: ReadAnswer<T>, callOptions: CallOptions = {}): Promise<T> {
    const failures: InstanceFailure[] = [];
    const failed = (url: string, err: unknown) => {
      const failure = { url, reason: reasonOf(err) };
      failures.push(failure);
      options.onInstanceFailure?.(failure);
    };
    const tried = new Set<string>();
    const spentAt = callOptions.budgetMs === undefined ? Infinity : Date.now() + callOptions.budgetMs;
    for (let url = pool.next(tried); url !== undefined; url = pool.next(tried)) {
      const left = Math.min(timeoutMs, spentAt - Date.now());
      if (left <= 0) break;
      tried.add(url);
      let res: Response;
      try {
        res = await doFetch(url + path, {
          headers: { ...callOptions.headers, ...traceHeaders() },
          signal: AbortSignal.timeout(left),
        });
      } catch (err) {
        // No answer at all: the others go first until this one answers again.
        pool.markDown(url, reasonOf(err));
        failed(url, err);
        continue;
      }
      pool.markUp(url);
      try {
        return await read(res);
      } catch (err) {
        if (!res.bodyUsed) await res.body?.cancel().catch(() => undefined);
        failed(url, err);
      }
    }
    throw new UpstreamUnavailable(service, failures);
  }

  return {
    service,
    call,
    getJson: (path, schema, callOptions) => call(path, async (res) => schema.parse(await okJson(res)), callOptions),
  };
}
