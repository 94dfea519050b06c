// Inbox: ids of messages a consumer has already applied, so a redelivery changes nothing.
import { defineEntity, p } from '@mikro-orm/core';

export const InboxMessage = defineEntity({
  name: 'InboxMessage',
  tableName: 'inbox_message',
  properties: {
    consumer: p.string().primary(),
    messageId: p.uuid().primary(),
    type: p.string(),
    processedAt: p.datetime().onCreate(() => new Date()),
  },
});
