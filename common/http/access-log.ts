// One log line per request: method, route, status, duration and request id (never headers or bodies).
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Context } from 'hono';
import type { Logger } from '../logger.ts';
import type { RequestIdVariables } from './request-id.ts';

/** Probes and scrapes: they arrive every few seconds from the gateway, orchestrators and Prometheus. */
export const PROBE_PATHS = new Set(['/health', '/ready', '/metrics']);

export function accessLog(logger: Logger): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: matchedRoute(c),
      path: c.req.path,
      status,
      ms: Math.round(performance.now() - started),
    };
    // Probes are logged only at debug.
    if (status >= 500) logger.warn(line, 'request failed');
    else if (PROBE_PATHS.has(c.req.path)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  };
}

/** The route template that answered ("/bookings/:id/pay"), or "unmatched". */
export function matchedRoute(c: Context): string {
  try {
    const route = routePath(c);
    return route && route !== '/*' ? route : 'unmatched';
  } catch {
    return 'unmatched';
  }
}
