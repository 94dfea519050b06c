// The /internal handlers: answered only to callers that carry the platform secret.
import { isFromGateway } from '../../common/http/client-address.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import { isSessionOpen, recentRevocations } from '../../domain/users/sessions.ts';
import type { InternalHandlers } from './internal.routes.ts';
import type { UsersRouteDeps } from './users.deps.ts';

export function internalHandlers(deps: Pick<UsersRouteDeps, 'ctx' | 'gatewaySecret'>): InternalHandlers {
  const { ctx, gatewaySecret } = deps;
  return {
    revokedSessions: async (c) => {
      if (!isFromGateway(c, gatewaySecret)) throw new HttpProblem(403, 'FORBIDDEN', 'Only the gateway may ask for this.');
      return c.json({ items: await recentRevocations(ctx) }, 200);
    },
    sessionStatus: async (c) => {
      if (!isFromGateway(c, gatewaySecret)) throw new HttpProblem(403, 'FORBIDDEN', 'Only platform processes may ask for this.');
      const { id } = c.req.valid('param');
      return c.json({ sessionId: id, open: await isSessionOpen(ctx, id) }, 200);
    },
  };
}
