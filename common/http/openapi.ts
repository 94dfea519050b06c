// Shorthands for route declarations: JSON bodies and answers, problem answers, the bearer requirement.
import type { z } from '@hono/zod-openapi';
import { ProblemSchema } from './problem.ts';
import { BEARER_AUTH } from './service-app.ts';

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
export const TOKEN_PROBLEMS = {
  401: problemAnswer('No access token, or one that is invalid, expired or of an ended session'),
};
export const ADMIN_PROBLEMS = {
  ...TOKEN_PROBLEMS,
  403: problemAnswer('The caller is not an admin (FORBIDDEN)'),
};
