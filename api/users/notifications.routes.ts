// /users/me/notifications: a user's own notifications, declared with every answer they give.
import { createRoute, z, type RouteHandler } from '@hono/zod-openapi';
import { BAD_INPUT, NEEDS_TOKEN, TOKEN_PROBLEMS, jsonAnswer, problemAnswer } from '../../common/http/openapi.ts';
import type { AppEnv, ServiceApp } from '../../common/http/service-app.ts';
import { IdParamSchema, NotificationPageSchema, NotificationQuerySchema, NotificationSchema } from './schemas.ts';
import type { UsersRouteDeps } from './users.deps.ts';

const tags = ['Notifications'];

export const notificationsRoute = createRoute({
  method: 'get',
  path: '/users/me/notifications',
  tags,
  summary: 'My notifications, newest first, with the unread count',
  ...NEEDS_TOKEN,
  request: { query: NotificationQuerySchema },
  responses: { 200: jsonAnswer(NotificationPageSchema, 'One page'), ...TOKEN_PROBLEMS, ...BAD_INPUT },
});

export const markReadRoute = createRoute({
  method: 'post',
  path: '/users/me/notifications/{id}/read',
  tags,
  summary: 'Mark one notification read',
  ...NEEDS_TOKEN,
  request: { params: IdParamSchema },
  responses: {
    200: jsonAnswer(NotificationSchema, 'The notification'),
    404: problemAnswer('No notification of mine with this id (NOTIFICATION_NOT_FOUND)'),
    ...TOKEN_PROBLEMS,
    ...BAD_INPUT,
  },
});

export const markAllReadRoute = createRoute({
  method: 'post',
  path: '/users/me/notifications/read-all',
  tags,
  summary: 'Mark all my notifications read',
  ...NEEDS_TOKEN,
  responses: { 200: jsonAnswer(z.object({ marked: z.number().int() }), 'How many were unread'), ...TOKEN_PROBLEMS },
});

export interface NotificationHandlers {
  notifications: RouteHandler<typeof notificationsRoute, AppEnv>;
  markRead: RouteHandler<typeof markReadRoute, AppEnv>;
  markAllRead: RouteHandler<typeof markAllReadRoute, AppEnv>;
}

export function registerNotificationRoutes(app: ServiceApp, deps: UsersRouteDeps, handlers: NotificationHandlers): void {
  const middleware = deps.signedIn;
  app.openapi({ ...notificationsRoute, middleware }, handlers.notifications);
  app.openapi({ ...markReadRoute, middleware }, handlers.markRead);
  app.openapi({ ...markAllReadRoute, middleware }, handlers.markAllRead);
}
