// The /users/me profile handlers: the signed-in user's own account and preferences.
import { principalOf } from '../../common/auth/middleware.ts';
import type { UsersContext } from '../../domain/users/context.ts';
import { findAccount } from '../../domain/users/accounts.ts';
import { getPreferences, putPreferences, updateProfile } from '../../domain/users/profile.ts';
import type { ProfileHandlers } from './profile.routes.ts';
import { userView } from './schemas.ts';

export function profileHandlers(ctx: UsersContext): ProfileHandlers {
  return {
    profile: async (c) => c.json(userView(await findAccount(ctx.orm.em.fork(), principalOf(c).userId)), 200),
    updateProfile: async (c) => {
      const body = c.req.valid('json');
      const user = await updateProfile(ctx, principalOf(c).userId, { name: body.name, phone: body.phone });
      return c.json(userView(user), 200);
    },
    preferences: async (c) => c.json(await getPreferences(ctx, principalOf(c).userId), 200),
    putPreferences: async (c) => c.json(await putPreferences(ctx, principalOf(c).userId, c.req.valid('json')), 200),
  };
}
