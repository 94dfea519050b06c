// /internal: what the gateway and the other services' money routes ask the users service, declared with every answer.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { GATEWAY_PROOF_HEADER } from '../../common/http/client-address.ts';
import { jsonAnswer, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { IdParamSchema, RevocationsSchema, SessionStatusSchema } from './schemas.ts';

const tags = ['Internal'];
/** The platform secret the gateway and the services send; these routes answer no one else. */
const PLATFORM_SECRET = 'platformSecret';
const NEEDS_PLATFORM_SECRET = { security: [{ [PLATFORM_SECRET]: [] }] };

export const revokedSessionsRoute = createRoute({
  method: 'get',
  path: '/internal/revoked-sessions',
  tags,
  summary: 'Revoked sessions whose access tokens have not expired yet (for the gateway)',
  description: 'Answers only requests that carry the gateway secret (X-Eventix-Gateway).',
  ...NEEDS_PLATFORM_SECRET,
  responses: { 200: jsonAnswer(RevocationsSchema, 'The revocations'), 403: problemAnswer('Not the gateway (FORBIDDEN)') },
});

export const sessionStatusRoute = createRoute({
  method: 'get',
  path: '/internal/sessions/{id}',
  tags,
  summary: 'Whether a session is still open (for the money routes of the other services)',
  description: 'Answers only requests that carry the platform secret (X-Eventix-Gateway). An unknown session is not open.',
  ...NEEDS_PLATFORM_SECRET,
  request: { params: IdParamSchema },
  responses: { 200: jsonAnswer(SessionStatusSchema, 'The session'), 403: problemAnswer('Not a platform process (FORBIDDEN)') },
});

export interface InternalHandlers {
  revokedSessions: RouteHandler<typeof revokedSessionsRoute, AppEnv>;
  sessionStatus: RouteHandler<typeof sessionStatusRoute, AppEnv>;
}

export function registerInternalRoutes(app: ServiceApp, handlers: InternalHandlers): void {
  app.openAPIRegistry.registerComponent('securitySchemes', PLATFORM_SECRET, {
    type: 'apiKey',
    in: 'header',
    name: GATEWAY_PROOF_HEADER,
    description: 'The secret shared by the gateway and the services (GATEWAY_SECRET).',
  });
  app.openapi(revokedSessionsRoute, handlers.revokedSessions);
  app.openapi(sessionStatusRoute, handlers.sessionStatus);
}
