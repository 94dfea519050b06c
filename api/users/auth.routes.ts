// /auth: register, sign in, refresh, sign out, who am I; and the public keys tokens are checked with.
import { createRoute, z } from '@hono/zod-openapi';
import { principalOf } from '../../common/auth/middleware.ts';
import { clientAddress } from '../../common/http/client-address.ts';
import { BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import type { ServiceApp } from '../../common/http/service-app.ts';
import { createAccount, findAccount, login } from '../../domain/users/accounts.ts';
import { refreshSession, revokeWhere } from '../../domain/users/sessions.ts';
import { LoginSchema, RefreshSchema, RegisterSchema, TokenPairSchema, UserSchema, userView } from './schemas.ts';
import type { UsersRouteDeps } from './users.routes.ts';

const tags = ['Authentication'];

export function registerAuthRoutes(app: ServiceApp, deps: UsersRouteDeps): void {
  const { ctx } = deps;
  const client = (c: Parameters<typeof clientAddress>[0]) => ({
    ip: clientAddress(c, deps.gatewaySecret),
    userAgent: c.req.header('user-agent'),
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/register',
      tags,
      summary: 'Create a customer account',
      description: 'The email is trimmed and lower-cased and must be unique. Any role in the body is ignored: new accounts are customers.',
      request: { body: jsonBody(RegisterSchema) },
      responses: {
        201: jsonAnswer(UserSchema, 'The new account'),
        409: problemAnswer('The email is already registered (EMAIL_TAKEN)'),
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const user = await createAccount(ctx, { email: body.email, password: body.password, name: body.name, role: 'user' });
      return c.json(userView(user), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags,
      summary: 'Sign in: a new session with an access and a refresh token',
      request: { body: jsonBody(LoginSchema) },
      responses: {
        200: jsonAnswer(TokenPairSchema, 'Signed in'),
        401: problemAnswer('Wrong email or password (INVALID_CREDENTIALS)'),
        403: problemAnswer('The account is deactivated (ACCOUNT_DEACTIVATED)'),
        429: problemAnswer('Too many attempts from this address or for this account (TOO_MANY_REQUESTS, with Retry-After)'),
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { tokens } = await login(ctx, { email: body.email, password: body.password }, client(c));
      return c.json(tokens, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/refresh',
      tags,
      summary: 'Trade a refresh token for a new pair',
      description: 'Each refresh token works once. Presenting one that was already used ends the whole session.',
      request: { body: jsonBody(RefreshSchema) },
      responses: {
        200: jsonAnswer(TokenPairSchema, 'A new access token and a new refresh token'),
        401: problemAnswer(
          'Unknown or reused refresh token, or an ended session (REFRESH_TOKEN_INVALID, REFRESH_TOKEN_REUSED, SESSION_ENDED)',
        ),
        ...BAD_INPUT,
      },
    }),
    async (c) => c.json(await refreshSession(ctx, c.req.valid('json').refreshToken, client(c)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags,
      summary: 'End the current session',
      description: 'Its refresh token stops working at once; its access tokens are refused by the gateway within a second.',
      middleware: deps.signedIn,
      ...NEEDS_TOKEN,
      responses: { 204: { description: 'Signed out' }, ...TOKEN_PROBLEMS },
    }),
    async (c) => {
      await revokeWhere(ctx, { id: principalOf(c).sessionId }, 'logout');
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/auth/me',
      tags,
      summary: 'The signed-in account',
      middleware: deps.signedIn,
      ...NEEDS_TOKEN,
      responses: { 200: jsonAnswer(UserSchema, 'The account of the access token'), ...TOKEN_PROBLEMS },
    }),
    async (c) => c.json(userView(await findAccount(ctx.orm.em.fork(), principalOf(c).userId)), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      tags,
      summary: 'The public keys access tokens are signed with (JWKS)',
      description: 'More than one key may be listed while keys rotate; a token names its key with `kid`.',
      responses: {
        200: jsonAnswer(z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).openapi('JWKS'), 'The key set'),
      },
    }),
    (c) => {
      c.header('cache-control', 'public, max-age=300');
      return c.json({ keys: ctx.keys.jwks.keys }, 200);
    },
  );
}
