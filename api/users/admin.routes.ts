// /users (admins): find, create, promote or demote, deactivate and reactivate accounts. Declared with every answer they give.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { ADMIN_PROBLEMS, BAD_INPUT, NEEDS_TOKEN, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { IdParamSchema, NewUserSchema, RoleChangeSchema, UserPageSchema, UserQuerySchema, UserSchema } from './schemas.ts';
import type { UsersRouteDeps } from './users.deps.ts';

const tags = ['Admin: users'];
const NOT_FOUND = { 404: problemAnswer('No user with this id (USER_NOT_FOUND)') };
const LAST_ADMIN = { 409: problemAnswer('The change would leave no active admin (LAST_ADMIN)') };

export const listUsersRoute = createRoute({
  method: 'get',
  path: '/users',
  tags,
  summary: 'List accounts, newest first',
  ...NEEDS_TOKEN,
  request: { query: UserQuerySchema },
  responses: { 200: jsonAnswer(UserPageSchema, 'One page'), ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const createUserRoute = createRoute({
  method: 'post',
  path: '/users',
  tags,
  summary: 'Create an account of any role (an admin may create another admin)',
  description:
    'Door staff get the `scanner` role: its token may only scan tickets and read the counts of the events it is granted (PUT /events/{id}/checkins/scanners/{userId}); every other route refuses it with 403 SCANNER_TOKEN_RESTRICTED.',
  ...NEEDS_TOKEN,
  request: { body: jsonBody(NewUserSchema) },
  responses: {
    201: jsonAnswer(UserSchema, 'The new account'),
    409: problemAnswer('The email is already registered (EMAIL_TAKEN)'),
    ...ADMIN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const userRoute = createRoute({
  method: 'get',
  path: '/users/{id}',
  tags,
  summary: 'One account',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const changeRoleRoute = createRoute({
  method: 'put',
  path: '/users/{id}/role',
  tags,
  summary: "Change an account's role",
  description:
    "Demoting an admin, and any change to or from the `scanner` role, ends that user's sessions, so no token keeps the old role; a user promoted to admin keeps theirs (their tokens only lack the new powers until refreshed).",
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema, body: jsonBody(RoleChangeSchema) },
  responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...LAST_ADMIN, ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const deactivateRoute = createRoute({
  method: 'post',
  path: '/users/{id}/deactivate',
  tags,
  summary: 'Deactivate an account: its sessions end and it cannot sign in',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...LAST_ADMIN, ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export const reactivateRoute = createRoute({
  method: 'post',
  path: '/users/{id}/reactivate',
  tags,
  summary: 'Reactivate an account',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: { 200: jsonAnswer(UserSchema, 'The account'), ...NOT_FOUND, ...ADMIN_PROBLEMS, ...BAD_INPUT },
});

export interface AdminHandlers {
  listUsers: RouteHandler<typeof listUsersRoute, AppEnv>;
  createUser: RouteHandler<typeof createUserRoute, AppEnv>;
  user: RouteHandler<typeof userRoute, AppEnv>;
  changeRole: RouteHandler<typeof changeRoleRoute, AppEnv>;
  deactivate: RouteHandler<typeof deactivateRoute, AppEnv>;
  reactivate: RouteHandler<typeof reactivateRoute, AppEnv>;
}

export function registerAdminRoutes(app: ServiceApp, deps: UsersRouteDeps, handlers: AdminHandlers): void {
  const middleware = deps.admin;
  app.openapi({ ...listUsersRoute, middleware }, handlers.listUsers);
  app.openapi({ ...createUserRoute, middleware }, handlers.createUser);
  app.openapi({ ...userRoute, middleware }, handlers.user);
  app.openapi({ ...changeRoleRoute, middleware }, handlers.changeRole);
  app.openapi({ ...deactivateRoute, middleware }, handlers.deactivate);
  app.openapi({ ...reactivateRoute, middleware }, handlers.reactivate);
}
