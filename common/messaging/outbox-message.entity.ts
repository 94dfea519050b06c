// Outbox: facts a service has committed and still owes to RabbitMQ, written in the same transaction as the change.
import { defineEntity, p } from '@mikro-orm/core';

export const OutboxMessage = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox_message',
  properties: {
    id: p.uuid().primary(),
    type: p.string(),
    version: p.integer(),
    routingKey: p.string(),
    payload: p.json<Record<string, unknown>>(),
    /** Sent as AMQP headers: the trace context (traceparent, tracestate) of the transaction that wrote the fact. */
    headers: p.json<Record<string, string>>().nullable(),
    occurredAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
  },
});
