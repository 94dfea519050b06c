// The users service's routes: authentication, a user's own data, admin account management, and what the gateway needs.
import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { authenticate, principalOf, requireRole } from '../../common/auth/middleware.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import { isFromGateway } from '../../common/http/client-address.ts';
import { jsonAnswer, problemAnswer } from '../../common/http/openapi.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import type { ServiceApp } from '../../common/http/service-app.ts';
import type { UsersContext } from '../../domain/users/context.ts';
import { assertSessionOpen, isSessionOpen, recentRevocations } from '../../domain/users/sessions.ts';
import { registerAdminRoutes } from './admin.routes.ts';
import { registerAuthRoutes } from './auth.routes.ts';
import { registerMeRoutes } from './me.routes.ts';
import { IdParamSchema, RevocationsSchema, SessionStatusSchema } from './schemas.ts';

export interface UsersRouteDeps {
  ctx: UsersContext;
  gatewaySecret: string;
  /** A valid token of a session that is still open (the users service checks its own records). */
  signedIn: MiddlewareHandler[];
  /** The same, and the admin role. */
  admin: MiddlewareHandler[];
}

export function registerUsersRoutes(app: ServiceApp, options: { ctx: UsersContext; verifier: TokenVerifier; gatewaySecret: string }): void {
  const sessionOpen: MiddlewareHandler = async (c, next) => {
    await assertSessionOpen(options.ctx, principalOf(c).sessionId);
    await next();
  };
  const signedIn = [authenticate(options.verifier), sessionOpen] as MiddlewareHandler[];
  const deps: UsersRouteDeps = {
    ctx: options.ctx,
    gatewaySecret: options.gatewaySecret,
    signedIn,
    admin: [...signedIn, requireRole('admin') as MiddlewareHandler],
  };
  registerAuthRoutes(app, deps);
  // Before the admin routes, so /users/me is never read as /users/{id}.
  registerMeRoutes(app, deps);
  registerAdminRoutes(app, deps);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/revoked-sessions',
      tags: ['Internal'],
      summary: 'Revoked sessions whose access tokens have not expired yet (for the gateway)',
      description: 'Answers only requests that carry the gateway secret (X-Eventix-Gateway).',
      responses: { 200: jsonAnswer(RevocationsSchema, 'The revocations'), 403: problemAnswer('Not the gateway (FORBIDDEN)') },
    }),
    async (c) => {
      if (!isFromGateway(c, options.gatewaySecret)) throw new HttpProblem(403, 'FORBIDDEN', 'Only the gateway may ask for this.');
      return c.json({ items: await recentRevocations(options.ctx) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/sessions/{id}',
      tags: ['Internal'],
      summary: 'Whether a session is still open (for the money routes of the other services)',
      description: 'Answers only requests that carry the platform secret (X-Eventix-Gateway). An unknown session is not open.',
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(SessionStatusSchema, 'The session'), 403: problemAnswer('Not a platform process (FORBIDDEN)') },
    }),
    async (c) => {
      if (!isFromGateway(c, options.gatewaySecret)) throw new HttpProblem(403, 'FORBIDDEN', 'Only platform processes may ask for this.');
      const { id } = c.req.valid('param');
      return c.json({ sessionId: id, open: await isSessionOpen(options.ctx, id) }, 200);
    },
  );
}
