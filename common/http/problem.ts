// Errors over HTTP: application/problem+json with a stable code, mapped once for every app.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from '@hono/zod-openapi';
import { traceFields } from '../observability/tracing.ts';

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    code: z.string().openapi({ example: 'NOT_FOUND', description: 'Stable machine-readable error code' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    traceId: z.string().optional().openapi({ description: 'On a 5xx: the trace of the failed request, to find its spans and log lines' }),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'The offending fields of a rejected request' }),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * A refusal of the HTTP layer itself (authentication, a route-level check, the gateway) with a stable code, rendered by
 * the app's onError. Domain code throws a DomainError instead and leaves the status to the app.
 */
export class HttpProblem extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly errors: Problem['errors'];
  /** Extra response headers, such as Retry-After on a 429. */
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    detail?: string,
    errors?: Problem['errors'],
    headers: Record<string, string> = {},
  ) {
    super(detail ?? TITLES[status] ?? code);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.headers = headers;
  }
}

export function problemBody(status: number, code: string, detail?: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, code, ...(detail ? { detail } : {}), ...extra };
}

export function problemResponse(c: Context, status: ContentfulStatusCode, code: string, detail?: string, extra: Partial<Problem> = {}) {
  const requestId = c.get('requestId' as never) as string | undefined;
  // A failure on our side names its trace, so an operator goes from the answer to its spans and log lines in one step.
  const traceId = status >= 500 ? traceFields().traceId : undefined;
  const body = problemBody(status, code, detail, {
    instance: c.req.path,
    ...(requestId ? { requestId } : {}),
    ...(traceId ? { traceId } : {}),
    ...extra,
  });
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  // RFC 6750: a 401 says which scheme would be accepted.
  if (status === 401) headers['www-authenticate'] = code === 'AUTHENTICATION_REQUIRED' ? 'Bearer' : 'Bearer error="invalid_token"';
  return c.body(JSON.stringify(body), status, headers);
}

/** Turns zod issues into the `errors` list of a 422. */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): NonNullable<Problem['errors']> {
  return issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}
