// One log line per request: method, route, status, duration and request id (never headers or bodies). Hot reads that
// went well are sampled; every write, every refusal, every failure and every slow request is logged.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.ts';
import { matchedRoute, PROBE_PATHS } from './matched-route.ts';
import type { RequestIdVariables } from './request-id.ts';

/** One in this many quick, successful reads is logged; its line says `sampled: 1/100`. */
export const READ_SAMPLE_RATE = 100;
/** A read slower than this is always logged. */
export const SLOW_REQUEST_MS = 250;

const READS = new Set(['GET', 'HEAD']);
const SAMPLED = `1/${READ_SAMPLE_RATE}`;

/**
 * Whether a quick successful read is the one in a hundred logged. Chosen by its request id, which the gateway passes
 * on, so the gateway and the service log the same requests and a sampled line can be followed end to end.
 */
export function sampledRead(requestId: string): boolean {
  let hash = 0;
  for (let i = 0; i < requestId.length; i++) hash = (hash * 31 + requestId.charCodeAt(i)) | 0;
  return (hash >>> 0) % READ_SAMPLE_RATE === 0;
}

export function accessLog(logger: Logger): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const ms = Math.round(performance.now() - started);
    const path = c.req.path;
    // Probes that answered are logged only at debug, every one; a failing probe is a failure like any other.
    const probe = PROBE_PATHS.has(path);
    if (probe && status < 500 && !logger.isLevelEnabled('debug')) return;
    const hotRead = !probe && status < 400 && ms < SLOW_REQUEST_MS && READS.has(c.req.method);
    if (hotRead && !sampledRead(c.get('requestId'))) return;
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: matchedRoute(c),
      path,
      status,
      ms,
      ...(hotRead ? { sampled: SAMPLED } : {}),
    };
    if (status >= 500) logger.warn(line, 'request failed');
    else if (probe) logger.debug(line, 'request');
    else logger.info(line, 'request');
  };
}
