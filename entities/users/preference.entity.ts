// What a user wants to hear about, and in which language.
import { defineEntity, p } from '@mikro-orm/core';

export const NOTIFICATION_KINDS = [
  'booking_confirmed',
  'ticket_transferred',
  'hold_expired',
  'booking_cancelled',
  'payment_receipt',
  'refund',
  'event_cancelled',
  'waiting_list_offer',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const UserPreference = defineEntity({
  name: 'UserPreference',
  tableName: 'user_preference',
  properties: {
    userId: p.uuid().primary(),
    language: p.string().length(16).default('en'),
    /** Email on or off per notification kind; a kind missing here is on. */
    emailNotifications: p.json<Partial<Record<NotificationKind, boolean>>>(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type UserPreferenceRow = InstanceType<typeof UserPreference.class>;
