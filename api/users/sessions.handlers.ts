// The /users/me/sessions handlers: list the signed-in user's open sessions, end one or all the others.
import { principalOf } from '../../common/auth/middleware.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import type { UsersContext } from '../../domain/users/context.ts';
import { listOpenSessions, revokeWhere } from '../../domain/users/sessions.ts';
import type { SessionHandlers } from './sessions.routes.ts';

export function sessionHandlers(ctx: UsersContext): SessionHandlers {
  return {
    sessions: async (c) => {
      const principal = principalOf(c);
      const sessions = await listOpenSessions(ctx, principal.userId);
      return c.json(
        {
          items: sessions.map((s) => ({
            id: s.id,
            current: s.id === principal.sessionId,
            userAgent: s.userAgent ?? null,
            ip: s.ip ?? null,
            createdAt: s.createdAt.toISOString(),
            lastUsedAt: s.lastUsedAt.toISOString(),
            expiresAt: s.expiresAt.toISOString(),
          })),
        },
        200,
      );
    },
    endSession: async (c) => {
      const principal = principalOf(c);
      const revoked = await revokeWhere(ctx, { id: c.req.valid('param').id, userId: principal.userId }, 'revoked_by_user');
      if (revoked.length === 0) throw new HttpProblem(404, 'SESSION_NOT_FOUND', 'No open session of yours has this id.');
      return c.body(null, 204);
    },
    endOtherSessions: async (c) => {
      const principal = principalOf(c);
      const revoked = await revokeWhere(ctx, { userId: principal.userId, excludeId: principal.sessionId }, 'revoked_by_user');
      return c.json({ revoked: revoked.length }, 200);
    },
  };
}
