// /users/me and its preferences: a user's own profile, declared with every answer it gives.
import { createRoute, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, jsonBody } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { PreferencesSchema, ProfilePatchSchema, UserSchema } from './schemas.ts';
import type { UsersRouteDeps } from './users.deps.ts';

const tags = ['Profile'];

export const profileRoute = createRoute({
  method: 'get',
  path: '/users/me',
  tags,
  summary: 'My profile',
  ...NEEDS_TOKEN,
  responses: { 200: jsonAnswer(UserSchema, 'The profile'), ...TOKEN_PROBLEMS },
});

export const updateProfileRoute = createRoute({
  method: 'patch',
  path: '/users/me',
  tags,
  summary: 'Change my name or phone',
  description: 'Other fields (email, role, status) cannot be changed here and are ignored.',
  ...NEEDS_TOKEN,
  request: { body: jsonBody(ProfilePatchSchema) },
  responses: { 200: jsonAnswer(UserSchema, 'The updated profile'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export const preferencesRoute = createRoute({
  method: 'get',
  path: '/users/me/preferences',
  tags,
  summary: 'My language and email notification choices',
  ...NEEDS_TOKEN,
  responses: { 200: jsonAnswer(PreferencesSchema, 'The preferences'), ...TOKEN_PROBLEMS },
});

export const putPreferencesRoute = createRoute({
  method: 'put',
  path: '/users/me/preferences',
  tags,
  summary: 'Replace my preferences',
  ...NEEDS_TOKEN,
  request: { body: jsonBody(PreferencesSchema) },
  responses: { 200: jsonAnswer(PreferencesSchema, 'The stored preferences'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export interface ProfileHandlers {
  profile: RouteHandler<typeof profileRoute, AppEnv>;
  updateProfile: RouteHandler<typeof updateProfileRoute, AppEnv>;
  preferences: RouteHandler<typeof preferencesRoute, AppEnv>;
  putPreferences: RouteHandler<typeof putPreferencesRoute, AppEnv>;
}

export function registerProfileRoutes(app: ServiceApp, deps: UsersRouteDeps, handlers: ProfileHandlers): void {
  const middleware = deps.signedIn;
  app.openapi({ ...profileRoute, middleware: deps.session }, handlers.profile);
  app.openapi({ ...updateProfileRoute, middleware }, handlers.updateProfile);
  app.openapi({ ...preferencesRoute, middleware }, handlers.preferences);
  app.openapi({ ...putPreferencesRoute, middleware }, handlers.putPreferences);
}
