// What the users routes are built from: the service's context and the access rules (who may call a route).
import type { MiddlewareHandler } from 'hono';
import { allowScanner, authenticate, principalOf, requireRole } from '../../common/auth/middleware.ts';
import type { TokenVerifier } from '../../common/auth/verify.ts';
import { idempotent } from '../../common/http/idempotency.ts';
import type { UsersContext } from '../../domain/users/context.ts';
import { assertSessionOpen } from '../../domain/users/sessions.ts';

export interface UsersRouteOptions {
  ctx: UsersContext;
  verifier: TokenVerifier;
  gatewaySecret: string;
}

export interface UsersRouteDeps {
  ctx: UsersContext;
  gatewaySecret: string;
  /** A valid token of a session that is still open (the users service checks its own records). */
  signedIn: MiddlewareHandler[];
  /** The same, for the routes a door scanner's token may also use (its own session: who am I, sign out). */
  session: MiddlewareHandler[];
  /** The same, and the admin role. */
  admin: MiddlewareHandler[];
  /** After the access rule (if any): a keyed request runs once, and its replays answer the first answer. */
  idempotent: MiddlewareHandler;
}

export function usersRouteDeps(options: UsersRouteOptions): UsersRouteDeps {
  const sessionOpen: MiddlewareHandler = async (c, next) => {
    await assertSessionOpen(options.ctx, principalOf(c).sessionId);
    await next();
  };
  const signedIn = [authenticate(options.verifier), sessionOpen] as MiddlewareHandler[];
  return {
    ctx: options.ctx,
    gatewaySecret: options.gatewaySecret,
    signedIn,
    session: [allowScanner as MiddlewareHandler, ...signedIn],
    admin: [...signedIn, requireRole('admin') as MiddlewareHandler],
    idempotent: idempotent(options.ctx.orm) as MiddlewareHandler,
  };
}
