// One log line per request: method, route, status, duration and request id (never headers or bodies).
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logger.ts';
import { matchedRoute, PROBE_PATHS } from './matched-route.ts';
import type { RequestIdVariables } from './request-id.ts';

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
