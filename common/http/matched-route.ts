// How a request is named in logs, metrics and spans: by the route template that answered it, and probes apart.
import type { Context } from 'hono';
import { routePath } from 'hono/route';

/** Probes and scrapes: they arrive every few seconds from the gateway, orchestrators and Prometheus. */
export const PROBE_PATHS = new Set(['/health', '/ready', '/metrics']);

/** The route template that answered ("/bookings/:id/pay"), or "unmatched". */
export function matchedRoute(c: Context): string {
  try {
    const route = routePath(c);
    return route && route !== '/*' ? route : 'unmatched';
  } catch {
    return 'unmatched';
  }
}
