// A user's own data: profile, preferences and notifications.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterCursor, cursorKeys, toPage } from '../../common/http/pagination.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { enqueueEvent } from '../../common/messaging/outbox.ts';
import { userUpdatedV1 } from '../../contracts/users.ts';
import { UserNotification, type UserNotificationRow } from '../../entities/users/notification.entity.ts';
import { NOTIFICATION_KINDS, UserPreference, type NotificationKind } from '../../entities/users/preference.entity.ts';
import { findAccount } from './accounts.ts';
import { PRODUCER, type UsersContext } from './context.ts';

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pl', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Preferences {
  language: Language;
  emailNotifications: Record<NotificationKind, boolean>;
}

/**
 * Changes the user's own profile. A new name is news for the other services (the bookings service prints it on the
 * tickets it issues next): user.updated is written with the change, in one transaction.
 */
export async function updateProfile(ctx: UsersContext, userId: string, change: { name?: string; phone?: string | null }) {
  const user = await ctx.orm.em.fork().transactional(async (em) => {
    const user = await findAccount(em, userId);
    const before = { name: user.name, email: user.email };
    if (change.name !== undefined) user.name = change.name.trim();
    if (change.phone !== undefined) user.phone = change.phone;
    if (user.name !== before.name || user.email !== before.email) {
      enqueueEvent(em, userUpdatedV1, { userId: user.id, email: user.email, name: user.name, role: user.role }, PRODUCER);
    }
    await em.flush();
    return user;
  });
  ctx.published();
  return user;
}

export async function getPreferences(ctx: UsersContext, userId: string): Promise<Preferences> {
  const row = await ctx.orm.em.fork().findOne(UserPreference, { userId });
  const stored = row?.emailNotifications ?? {};
  return {
    language: (row?.language ?? 'en') as Language,
    emailNotifications: Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, stored[kind] ?? true])) as Record<
      NotificationKind,
      boolean
    >,
  };
}

export async function putPreferences(ctx: UsersContext, userId: string, preferences: Preferences): Promise<Preferences> {
  const em = ctx.orm.em.fork();
  await findAccount(em, userId);
  await em.upsert(UserPreference, {
    userId,
    language: preferences.language,
    emailNotifications: preferences.emailNotifications,
    updatedAt: new Date(),
  });
  return getPreferences(ctx, userId);
}

/** Adds a notification to a user's inbox (the RabbitMQ consumers call this as facts arrive). */
export function addNotification(
  em: EntityManager,
  input: { userId: string; kind: NotificationKind; title: string; body: string; data?: Record<string, unknown> },
): UserNotificationRow {
  return em.create(UserNotification, { id: randomUUID(), readAt: null, data: {}, ...input });
}

export async function listNotifications(ctx: UsersContext, userId: string, query: { limit: number; cursor?: string; unread?: boolean }) {
  const em = ctx.orm.em.fork();
  const rows = await em.find(
    UserNotification,
    {
      userId,
      ...(query.unread ? { readAt: null } : {}),
      ...afterCursor(query.cursor, 'createdAt', 'desc'),
    },
    { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit + 1 },
  );
  const unreadCount = await em.count(UserNotification, { userId, readAt: null });
  return { ...toPage(rows, query.limit, cursorKeys('createdAt'), (n) => n), unreadCount };
}

/** Marks one of the user's notifications read; another user's notification is a 404, never a 403. */
export async function markNotificationRead(ctx: UsersContext, userId: string, notificationId: string): Promise<UserNotificationRow> {
  const em = ctx.orm.em.fork();
  const notification = await em.findOne(UserNotification, { id: notificationId, userId });
  if (!notification) throw new DomainError('not_found', 'NOTIFICATION_NOT_FOUND', 'No notification with this id.');
  notification.readAt ??= new Date();
  await em.flush();
  return notification;
}

export async function markAllNotificationsRead(ctx: UsersContext, userId: string): Promise<number> {
  return ctx.orm.em.fork().nativeUpdate(UserNotification, { userId, readAt: null }, { readAt: new Date() });
}
