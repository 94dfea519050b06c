// The /users/me/notifications handlers: list the signed-in user's notifications and mark them read.
import { principalOf } from '../../common/auth/middleware.ts';
import type { UsersContext } from '../../domain/users/context.ts';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../../domain/users/profile.ts';
import type { NotificationHandlers } from './notifications.routes.ts';
import { notificationView } from './schemas.ts';

export function notificationHandlers(ctx: UsersContext): NotificationHandlers {
  return {
    notifications: async (c) => {
      const query = c.req.valid('query');
      const page = await listNotifications(ctx, principalOf(c).userId, query);
      return c.json({ ...page, items: page.items.map(notificationView) }, 200);
    },
    markRead: async (c) => c.json(notificationView(await markNotificationRead(ctx, principalOf(c).userId, c.req.valid('param').id)), 200),
    markAllRead: async (c) => c.json({ marked: await markAllNotificationsRead(ctx, principalOf(c).userId) }, 200),
  };
}
