// /auth: register, sign in, refresh, sign out, who am I; and the public keys tokens are checked with. Declared with every
// answer they give.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { idempotencyKeyDescription, idempotencyProblems } from '../../common/http/idempotency.ts';
import {
  BAD_INPUT,
  NEEDS_TOKEN,
  PUBLIC,
  TOKEN_PROBLEMS,
  idempotencyKeyHeader,
  jsonAnswer,
  jsonBody,
  problemAnswer,
} from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { LoginSchema, RefreshSchema, RegisterSchema, TokenPairSchema, UserSchema } from './schemas.ts';
import type { UsersRouteDeps } from './users.deps.ts';

const tags = ['Authentication'];

export const registerRoute = createRoute({
  method: 'post',
  path: '/auth/register',
  tags,
  summary: 'Create a customer account',
  description: 'The email is trimmed and lower-cased and must be unique. Any role in the body is ignored: new accounts are customers.',
  ...PUBLIC,
  request: {
    headers: idempotencyKeyHeader(
      idempotencyKeyDescription(
        'A retry with the same key answers the account it created. There is no caller yet: keys of every registration share one scope.',
      ),
    ),
    body: jsonBody(RegisterSchema),
  },
  responses: {
    201: jsonAnswer(UserSchema, 'The new account'),
    ...idempotencyProblems('The email is already registered (EMAIL_TAKEN)'),
    ...BAD_INPUT,
  },
});

export const loginRoute = createRoute({
  method: 'post',
  path: '/auth/login',
  tags,
  summary: 'Sign in: a new session with an access and a refresh token',
  ...PUBLIC,
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: jsonAnswer(TokenPairSchema, 'Signed in'),
    401: problemAnswer('Wrong email or password (INVALID_CREDENTIALS)'),
    403: problemAnswer('The account is deactivated (ACCOUNT_DEACTIVATED)'),
    429: problemAnswer('Too many attempts from this address or for this account (TOO_MANY_REQUESTS, with Retry-After)'),
    ...BAD_INPUT,
  },
});

export const refreshRoute = createRoute({
  method: 'post',
  path: '/auth/refresh',
  tags,
  summary: 'Trade a refresh token for a new pair',
  description: 'Each refresh token works once. Presenting one that was already used ends the whole session.',
  ...PUBLIC,
  request: { body: jsonBody(RefreshSchema) },
  responses: {
    200: jsonAnswer(TokenPairSchema, 'A new access token and a new refresh token'),
    401: problemAnswer('Unknown or reused refresh token, or an ended session (REFRESH_TOKEN_INVALID, REFRESH_TOKEN_REUSED, SESSION_ENDED)'),
    ...BAD_INPUT,
  },
});

export const logoutRoute = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags,
  summary: 'End the current session',
  description: 'Its refresh token stops working at once; its access tokens are refused by the gateway within a second.',
  ...NEEDS_TOKEN,
  responses: { 204: { description: 'Signed out' }, ...TOKEN_PROBLEMS },
});

export const whoAmIRoute = createRoute({
  method: 'get',
  path: '/auth/me',
  tags,
  summary: 'The signed-in account',
  ...NEEDS_TOKEN,
  responses: { 200: jsonAnswer(UserSchema, 'The account of the access token'), ...TOKEN_PROBLEMS },
});

export const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags,
  summary: 'The public keys access tokens are signed with (JWKS)',
  description: 'More than one key may be listed while keys rotate; a token names its key with `kid`.',
  ...PUBLIC,
  responses: {
    200: jsonAnswer(z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi('JWKS'), 'The key set'),
  },
});

export interface AuthHandlers {
  register: RouteHandler<typeof registerRoute, AppEnv>;
  login: RouteHandler<typeof loginRoute, AppEnv>;
  refresh: RouteHandler<typeof refreshRoute, AppEnv>;
  logout: RouteHandler<typeof logoutRoute, AppEnv>;
  whoAmI: RouteHandler<typeof whoAmIRoute, AppEnv>;
  jwks: RouteHandler<typeof jwksRoute, AppEnv>;
}

export function registerAuthRoutes(app: ServiceApp, deps: UsersRouteDeps, handlers: AuthHandlers): void {
  app.openapi({ ...registerRoute, middleware: [deps.idempotent] }, handlers.register);
  app.openapi(loginRoute, handlers.login);
  app.openapi(refreshRoute, handlers.refresh);
  app.openapi({ ...logoutRoute, middleware: deps.session }, handlers.logout);
  app.openapi({ ...whoAmIRoute, middleware: deps.session }, handlers.whoAmI);
  app.openapi(jwksRoute, handlers.jwks);
}
