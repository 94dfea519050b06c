// A small JSON client for tests: one call, status and parsed body back. Every answer is held against the OpenAPI
// documents its server serves (tests/support/openapi-check.ts), so an answer the documents do not describe fails the test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, inject } from 'vitest';
import { serviceFor } from '../../api/gateway/routes.ts';
import { SERVICE_NAMES, type ServiceName } from '../../common/config.ts';
import type { OpenApiDocument } from '../../common/http/openapi-document.ts';
import { OpenApiChecker, type CheckedAnswer } from './openapi-check.ts';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Caller = (
  method: string,
  path: string,
  options?: { token?: string; body?: unknown; headers?: Record<string, string> },
) => Promise<Answer>;

type AppTarget = { request: (path: string, init: RequestInit) => Response | Promise<Response> };

/** The gateway serves the public routes under this prefix, and documents them at /docs/<service>/openapi.json. */
const GATEWAY_PREFIX = '/api/v1';

/** What an answer is held against, or why there is nothing to hold it against (and whether to ask again later). */
type Documented = { checker: OpenApiChecker } | { unchecked: string; askAgain: boolean };

/** Statuses of the gateway itself: the service behind it is not reachable, so neither is its document. */
const UNREACHABLE_BEHIND_GATEWAY = new Set([502, 503, 504]);

interface DocumentPlace {
  key: string;
  url: string;
  viaGateway: boolean;
}

const gatewayDocument = (service: ServiceName): DocumentPlace => ({ key: service, url: `/docs/${service}/openapi.json`, viaGateway: true });

/** Which document describes a path: the target's own, or the gateway's for the service owning the resource. */
function documentPlace(path: string): DocumentPlace {
  if (path !== GATEWAY_PREFIX && !path.startsWith(`${GATEWAY_PREFIX}/`)) return { key: 'own', url: '/openapi.json', viaGateway: false };
  // An unknown resource is answered by the gateway's 404 problem, which any of its documents describes.
  return gatewayDocument(serviceFor(path.slice(GATEWAY_PREFIX.length)) ?? 'users');
}

/** The documents of one target, each fetched from it once. */
function documentsOf(target: string | AppTarget) {
  const get = (path: string) =>
    typeof target === 'string' ? fetch(new URL(target).origin + path) : Promise.resolve(target.request(path, { method: 'GET' }));
  const load = async ({ url, viaGateway }: DocumentPlace): Promise<Documented> => {
    const res = await get(url);
    const text = await res.text();
    if (viaGateway && UNREACHABLE_BEHIND_GATEWAY.has(res.status)) return { unchecked: `${url} answered ${res.status}`, askAgain: true };
    if (res.status !== 200) throw new Error(`The OpenAPI document ${url} answered ${res.status}: ${text}`);
    const doc = JSON.parse(text) as OpenApiDocument;
    // A test's stand-in for a service answers anything, its "document" included: nothing to check its answers against.
    if (typeof doc.openapi !== 'string') return { unchecked: `${url} is not an OpenAPI document (a stand-in service)`, askAgain: false };
    return { checker: new OpenApiChecker([doc]) };
  };
  const loaded = new Map<string, Promise<Documented>>();
  const documentAt = (place: DocumentPlace): Promise<Documented> => {
    let documented = loaded.get(place.key);
    if (!documented) {
      documented = load(place);
      // After a failure or an unreachable service the next answer asks again.
      const forget = () => loaded.delete(place.key);
      void documented.then((d) => ('askAgain' in d && d.askAgain ? forget() : undefined), forget);
      loaded.set(place.key, documented);
    }
    return documented;
  };
  return async (path: string): Promise<Documented> => {
    const place = documentPlace(path);
    // Through the gateway every service's document is asked for together, so that no later load lands among the
    // requests a test counts at a stand-in service.
    if (place.viaGateway) await Promise.allSettled(SERVICE_NAMES.map((service) => documentAt(gatewayDocument(service))));
    return documentAt(place);
  };
}

/**
 * How many answers this test process held against the documents (by operation and status), and how many it could not
 * (no document to hold them against), in data/test<run>/openapi-checks/<the run's exchange>/<test file>-<pid>.json.
 */
const tally = { answers: 0, unchecked: 0, operations: {} as Record<string, number>, uncheckedWhy: {} as Record<string, number> };
function count(result: { operation: string } | { unchecked: string; askAgain: boolean }): void {
  if ('operation' in result) {
    tally.answers++;
    tally.operations[result.operation] = (tally.operations[result.operation] ?? 0) + 1;
  } else {
    tally.unchecked++;
    tally.uncheckedWhy[result.unchecked] = (tally.uncheckedWhy[result.unchecked] ?? 0) + 1;
  }
  const env = inject('testEnv');
  // The run's own exchange name tells this run's counts from an earlier run's.
  const dir = join(env.DATA_DIR!, 'openapi-checks', env.RABBITMQ_EXCHANGE!);
  mkdirSync(dir, { recursive: true });
  const file = expect.getState().testPath ?? 'unknown';
  writeFileSync(join(dir, `${basename(file)}-${process.pid}.json`), JSON.stringify({ file, ...tally }));
}

/** Calls `base + path`, or an in-process Hono app when given one. */
export function caller(target: string | AppTarget): Caller {
  const checkerFor = documentsOf(target);
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) };
    const res = typeof target === 'string' ? await fetch(target + path, init) : await target.request(path, init);
    const text = await res.text();
    const sent: CheckedAnswer = {
      method,
      path: new URL(typeof target === 'string' ? target + path : path, 'http://app').pathname,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: text,
    };
    const documented = await checkerFor(sent.path);
    count('checker' in documented ? documented.checker.check(sent) : documented);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  };
}
