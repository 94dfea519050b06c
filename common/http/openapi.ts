// Shorthands for route declarations: JSON bodies and answers, problem answers, the bearer requirement.
import { z as zod, type z } from '@hono/zod-openapi';
import { ProblemSchema } from './problem.ts';
import { BEARER_AUTH } from './openapi-document.ts';

export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } };
}

export function jsonAnswer<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function problemAnswer(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } };
}

export const BAD_INPUT = { 422: problemAnswer('The request is not valid (VALIDATION_FAILED, with the offending fields)') };
export const NEEDS_TOKEN = {
  security: [{ [BEARER_AUTH]: [] }],
};
/** Anyone may call it; a token, when sent, is checked (a bad one is a 401) and may show the caller more. */
export const OPTIONAL_TOKEN = {
  security: [{}, { [BEARER_AUTH]: [] }] as Record<string, string[]>[],
};
/** Anyone may call it; no token is read. */
export const PUBLIC = {
  security: [],
};
export const TOKEN_PROBLEMS = {
  401: problemAnswer('No access token, or one that is invalid, expired or of an ended session'),
};
/** Routes that move money also check that the caller's session is open right now. */
export const MONEY_ROUTE_PROBLEMS = {
  ...TOKEN_PROBLEMS,
  503: problemAnswer('The session could not be confirmed: the users service is unreachable (AUTH_UNAVAILABLE); retry'),
};
export const ADMIN_PROBLEMS = {
  ...TOKEN_PROBLEMS,
  403: problemAnswer('The caller is not an admin (FORBIDDEN)'),
};

/** `{id}` in a route path: a UUID. */
export const IdParamSchema = zod.object({ id: zod.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

/**
 * The optional `Idempotency-Key` header of a POST that creates something or moves money. Header names are matched
 * without case; the document names it in lower case, as Hono reads it, so the parameter and its schema agree.
 */
export function idempotencyKeyHeader(description: string) {
  return zod.object({
    'idempotency-key': zod
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ param: { name: 'idempotency-key', in: 'header' }, description }),
  });
}
