// Every request carries an id: taken from X-Request-Id when sane, made otherwise, echoed in the response.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[\w.:-]{1,128}$/;

export type RequestIdVariables = { requestId: string };

export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    await next();
    // Set after the handler so it also lands on responses the handler built itself (proxied ones).
    c.res.headers.set(REQUEST_ID_HEADER, id);
  };
}
