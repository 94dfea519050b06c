// /users (admins): find, create, promote or demote, deactivate and reactivate accounts.
import { createRoute } from '@hono/zod-openapi';
import { ADMIN_PROBLEMS, BAD_INPUT, NEEDS_TOKEN, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import type { ServiceApp } from '../../common/http/service-app.ts';
import { changeRole, changeStatus, createAccount, findAccount, listUsers } from '../../domain/users/accounts.ts';
import { IdParamSchema, NewUserSchema, RoleChangeSchema, UserPageSchema, UserQuerySchema, UserSchema, userView } from './schemas.ts';
import type { UsersRouteDeps } from './users.routes.ts';

const tags = ['Admin: users'];
const NOT_FOUND = { 404: problemAnswer('No user with this id (USER_NOT_FOUND)') };
const LAST_ADMIN = { 409: problemAnswer('The change would leave no active admin (LAST_ADMIN)') };

export function registerAdminRoutes(app: ServiceApp, deps: UsersRouteDeps): void {
  const { ctx } = deps;
  const admin = { middleware: deps.admin, ...NEEDS_TOKEN };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags,
      summary: 'List accounts, newest first',
      ...admin,
      request: { query: UserQuerySchema },
      responses: { 200: jsonAnswer(UserPageSchema, 'One page'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const page = await listUsers(ctx, c.req.valid('query'));
      return c.json({ ...page, items: page.items.map(userView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags,
      summary: 'Create an account of any role (an admin may create another admin)',
      ...admin,
      request: { body: jsonBody(NewUserSchema) },
      responses: {
        201: jsonAnswer(UserSchema, 'The new account'),
        409: problemAnswer('The email is already registered (EMAIL_TAKEN)'),
        ...ADMIN_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const user = await createAccount(ctx, { email: body.email, password: body.password, name: body.name, role: body.role });
      return c.json(userView(user), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      tags,
      summary: 'One account',
      ...admin,
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => c.json(userView(await findAccount(ctx.orm.em.fork(), c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/users/{id}/role',
      tags,
      summary: "Change an account's role",
      description: "Demoting an admin ends that user's sessions, so no token keeps the old role.",
      ...admin,
      request: { params: IdParamSchema, body: jsonBody(RoleChangeSchema) },
      responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...LAST_ADMIN, ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => c.json(userView(await changeRole(ctx, c.req.valid('param').id, c.req.valid('json').role)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/deactivate',
      tags,
      summary: 'Deactivate an account: its sessions end and it cannot sign in',
      ...admin,
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...LAST_ADMIN, ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => c.json(userView(await changeStatus(ctx, c.req.valid('param').id, 'deactivated')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/reactivate',
      tags,
      summary: 'Reactivate an account',
      ...admin,
      request: { params: IdParamSchema },
      responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...ADMIN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => c.json(userView(await changeStatus(ctx, c.req.valid('param').id, 'active')), 200),
  );
}
