// /users/me/sessions: a user's own signed-in devices, declared with every answer they give.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { IdParamSchema, SessionSchema } from './schemas.ts';
import type { UsersRouteDeps } from './users.deps.ts';

const tags = ['Sessions'];

export const sessionsRoute = createRoute({
  method: 'get',
  path: '/users/me/sessions',
  tags,
  summary: 'My open sessions (signed-in devices)',
  ...NEEDS_TOKEN,
  responses: {
    200: jsonAnswer(z.object({ items: z.array(SessionSchema) }), 'Open sessions, most recently used first'),
    ...TOKEN_PROBLEMS,
  },
});

export const endSessionRoute = createRoute({
  method: 'delete',
  path: '/users/me/sessions/{id}',
  tags,
  summary: 'End one of my sessions',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    204: { description: 'The session is ended' },
    404: problemAnswer('No open session of mine with this id (SESSION_NOT_FOUND)'),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const endOtherSessionsRoute = createRoute({
  method: 'delete',
  path: '/users/me/sessions',
  tags,
  summary: 'End all my sessions except this one',
  ...NEEDS_TOKEN,
  responses: { 200: jsonAnswer(z.object({ revoked: z.number().int() }), 'How many sessions were ended'), ...TOKEN_PROBLEMS },
});

export interface SessionHandlers {
  sessions: RouteHandler<typeof sessionsRoute, AppEnv>;
  endSession: RouteHandler<typeof endSessionRoute, AppEnv>;
  endOtherSessions: RouteHandler<typeof endOtherSessionsRoute, AppEnv>;
}

export function registerSessionRoutes(app: ServiceApp, deps: UsersRouteDeps, handlers: SessionHandlers): void {
  const middleware = deps.signedIn;
  app.openapi({ ...sessionsRoute, middleware }, handlers.sessions);
  app.openapi({ ...endSessionRoute, middleware }, handlers.endSession);
  app.openapi({ ...endOtherSessionsRoute, middleware }, handlers.endOtherSessions);
}
