// The outbox and inbox tables every service's database carries.
import { InboxMessage } from './inbox-message.entity.ts';
import { OutboxMessage } from './outbox-message.entity.ts';

export const MESSAGING_ENTITIES = [OutboxMessage, InboxMessage];
