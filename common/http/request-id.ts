// Every request carries an id: taken from X-Request-Id when sane, made otherwise, echoed in the response.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { requestHeader } from './request-headers.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[\w.:-]{1,128}$/;

/** The header @hono/node-server marks an answer with when the handler wrote it to the socket itself. */
const ALREADY_SENT_HEADER = [...RESPONSE_ALREADY_SENT.headers.keys()][0]!;

export type RequestIdVariables = { requestId: string };

export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async (c, next) => {
    const incoming = requestHeader(c, REQUEST_ID_HEADER);
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    await next();
    // Set after the handler so it also lands on responses the handler built itself; an answer the handler wrote to
    // the socket already (the gateway's proxied ones) carries it from there.
    const headers = c.res.headers;
    if (!headers.has(ALREADY_SENT_HEADER)) headers.set(REQUEST_ID_HEADER, id);
  };
}
