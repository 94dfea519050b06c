// The /users handlers for admins: thin adapters over the accounts of the users domain (which guards the last admin).
import type { UsersContext } from '../../domain/users/context.ts';
import { changeRole, changeStatus, createAccount, findAccount, listUsers } from '../../domain/users/accounts.ts';
import type { AdminHandlers } from './admin.routes.ts';
import { userView } from './schemas.ts';

export function adminHandlers(ctx: UsersContext): AdminHandlers {
  return {
    listUsers: async (c) => {
      const page = await listUsers(ctx, c.req.valid('query'));
      return c.json({ ...page, items: page.items.map(userView) }, 200);
    },
    createUser: async (c) => {
      const body = c.req.valid('json');
      const user = await createAccount(ctx, { email: body.email, password: body.password, name: body.name, role: body.role });
      return c.json(userView(user), 201);
    },
    user: async (c) => c.json(userView(await findAccount(ctx.orm.em.fork(), c.req.valid('param').id)), 200),
    changeRole: async (c) => c.json(userView(await changeRole(ctx, c.req.valid('param').id, c.req.valid('json').role)), 200),
    deactivate: async (c) => c.json(userView(await changeStatus(ctx, c.req.valid('param').id, 'deactivated')), 200),
    reactivate: async (c) => c.json(userView(await changeStatus(ctx, c.req.valid('param').id, 'active')), 200),
  };
}
