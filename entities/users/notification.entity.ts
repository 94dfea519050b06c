// Something that happened to a user's bookings or payments, shown in their inbox.
import { defineEntity, p } from '@mikro-orm/core';
import { NOTIFICATION_KINDS } from './preference.entity.ts';

export const UserNotification = defineEntity({
  name: 'UserNotification',
  tableName: 'user_notification',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    kind: p.enum(NOTIFICATION_KINDS),
    title: p.string().length(200),
    body: p.text(),
    data: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    readAt: p.datetime().nullable(),
  },
});

export type UserNotificationRow = InstanceType<typeof UserNotification.class>;
