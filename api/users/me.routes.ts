// /users/me: a user's own profile, preferences, sessions and notifications.
import { createRoute, z } from '@hono/zod-openapi';
import { principalOf } from '../../common/auth/middleware.ts';
import { BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, jsonBody, problemAnswer } from '../../common/http/openapi.ts';
import type { ServiceApp } from '../../common/http/service-app.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import { findAccount } from '../../domain/users/accounts.ts';
import {
  getPreferences,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  putPreferences,
  updateProfile,
} from '../../domain/users/profile.ts';
import { listOpenSessions, revokeWhere } from '../../domain/users/sessions.ts';
import {
  IdParamSchema,
  NotificationPageSchema,
  NotificationQuerySchema,
  NotificationSchema,
  PreferencesSchema,
  ProfilePatchSchema,
  SessionSchema,
  UserSchema,
  notificationView,
  userView,
} from './schemas.ts';
import type { UsersRouteDeps } from './users.routes.ts';

export function registerMeRoutes(app: ServiceApp, deps: UsersRouteDeps): void {
  const { ctx } = deps;
  const signedIn = { middleware: deps.signedIn, ...NEEDS_TOKEN };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/me',
      tags: ['Profile'],
      summary: 'My profile',
      ...signedIn,
      responses: { 200: jsonAnswer(UserSchema, 'The profile'), ...TOKEN_PROBLEMS },
    }),
    async (c) => c.json(userView(await findAccount(ctx.orm.em.fork(), principalOf(c).userId)), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/users/me',
      tags: ['Profile'],
      summary: 'Change my name or phone',
      description: 'Other fields (email, role, status) cannot be changed here and are ignored.',
      ...signedIn,
      request: { body: jsonBody(ProfilePatchSchema) },
      responses: { 200: jsonAnswer(UserSchema, 'The updated profile'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const user = await updateProfile(ctx, principalOf(c).userId, { name: body.name, phone: body.phone });
      return c.json(userView(user), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/me/preferences',
      tags: ['Profile'],
      summary: 'My language and email notification choices',
      ...signedIn,
      responses: { 200: jsonAnswer(PreferencesSchema, 'The preferences'), ...TOKEN_PROBLEMS },
    }),
    async (c) => c.json(await getPreferences(ctx, principalOf(c).userId), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/users/me/preferences',
      tags: ['Profile'],
      summary: 'Replace my preferences',
      ...signedIn,
      request: { body: jsonBody(PreferencesSchema) },
      responses: { 200: jsonAnswer(PreferencesSchema, 'The stored preferences'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => c.json(await putPreferences(ctx, principalOf(c).userId, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/me/sessions',
      tags: ['Sessions'],
      summary: 'My open sessions (signed-in devices)',
      ...signedIn,
      responses: {
        200: jsonAnswer(z.object({ items: z.array(SessionSchema) }), 'Open sessions, most recently used first'),
        ...TOKEN_PROBLEMS,
      },
    }),
    async (c) => {
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
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/users/me/sessions/{id}',
      tags: ['Sessions'],
      summary: 'End one of my sessions',
      ...signedIn,
      request: { params: IdParamSchema },
      responses: {
        204: { description: 'The session is ended' },
        404: problemAnswer('No open session of mine with this id (SESSION_NOT_FOUND)'),
        ...TOKEN_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const revoked = await revokeWhere(ctx, { id: c.req.valid('param').id, userId: principal.userId }, 'revoked_by_user');
      if (revoked.length === 0) throw new HttpProblem(404, 'SESSION_NOT_FOUND', 'No open session of yours has this id.');
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/users/me/sessions',
      tags: ['Sessions'],
      summary: 'End all my sessions except this one',
      ...signedIn,
      responses: { 200: jsonAnswer(z.object({ revoked: z.number().int() }), 'How many sessions were ended'), ...TOKEN_PROBLEMS },
    }),
    async (c) => {
      const principal = principalOf(c);
      const revoked = await revokeWhere(ctx, { userId: principal.userId, excludeId: principal.sessionId }, 'revoked_by_user');
      return c.json({ revoked: revoked.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/me/notifications',
      tags: ['Notifications'],
      summary: 'My notifications, newest first, with the unread count',
      ...signedIn,
      request: { query: NotificationQuerySchema },
      responses: { 200: jsonAnswer(NotificationPageSchema, 'One page'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await listNotifications(ctx, principalOf(c).userId, query);
      return c.json({ ...page, items: page.items.map(notificationView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/me/notifications/{id}/read',
      tags: ['Notifications'],
      summary: 'Mark one notification read',
      ...signedIn,
      request: { params: IdParamSchema },
      responses: {
        200: jsonAnswer(NotificationSchema, 'The notification'),
        404: problemAnswer('No notification of mine with this id (NOTIFICATION_NOT_FOUND)'),
        ...TOKEN_PROBLEMS,
        ...BAD_INPUT,
      },
    }),
    async (c) => c.json(notificationView(await markNotificationRead(ctx, principalOf(c).userId, c.req.valid('param').id)), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/me/notifications/read-all',
      tags: ['Notifications'],
      summary: 'Mark all my notifications read',
      ...signedIn,
      responses: { 200: jsonAnswer(z.object({ marked: z.number().int() }), 'How many were unread'), ...TOKEN_PROBLEMS },
    }),
    async (c) => c.json({ marked: await markAllNotificationsRead(ctx, principalOf(c).userId) }, 200),
  );
}
