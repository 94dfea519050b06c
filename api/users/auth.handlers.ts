// The /auth handlers: thin adapters over the accounts and sessions of the users domain.
import type { Context } from 'hono';
import { principalOf } from '../../common/auth/middleware.ts';
import { clientAddress } from '../../common/http/client-address.ts';
import { createAccount, findAccount, login } from '../../domain/users/accounts.ts';
import { refreshSession, revokeWhere } from '../../domain/users/sessions.ts';
import type { AuthHandlers } from './auth.routes.ts';
import { userView } from './schemas.ts';
import type { UsersRouteDeps } from './users.deps.ts';

export function authHandlers(deps: UsersRouteDeps): AuthHandlers {
  const { ctx } = deps;
  // Where a session was opened or refreshed from, as the gateway vouches for it.
  const client = (c: Context) => ({ ip: clientAddress(c, deps.gatewaySecret), userAgent: c.req.header('user-agent') });
  return {
    register: async (c) => {
      const body = c.req.valid('json');
      const user = await createAccount(ctx, { email: body.email, password: body.password, name: body.name, role: 'user' });
      return c.json(userView(user), 201);
    },
    login: async (c) => {
      const body = c.req.valid('json');
      const { tokens } = await login(ctx, { email: body.email, password: body.password }, client(c));
      return c.json(tokens, 200);
    },
    refresh: async (c) => c.json(await refreshSession(ctx, c.req.valid('json').refreshToken, client(c)), 200),
    logout: async (c) => {
      await revokeWhere(ctx, { id: principalOf(c).sessionId }, 'logout');
      return c.body(null, 204);
    },
    whoAmI: async (c) => c.json(userView(await findAccount(ctx.orm.em.fork(), principalOf(c).userId)), 200),
    jwks: (c) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json({ keys: ctx.keys.jwks.keys }, 200);
    },
  };
}
