// A customer as the bookings service knows them, from the users service's facts: the name printed on their tickets and
// the email a ticket is sent to them by.
import { defineEntity, p } from '@mikro-orm/core';

export const Customer = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  properties: {
    userId: p.uuid().primary(),
    email: p.string().length(320),
    name: p.string().length(200),
    /** The account's role: a scanner account may not receive tickets. */
    role: p.string().length(16).default('user'),
    /** When the fact that wrote this row happened: an older fact never replaces it. */
    occurredAt: p.datetime(),
  },
});

export type CustomerRow = InstanceType<typeof Customer.class>;
