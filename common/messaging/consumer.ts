// Consumers: one durable quorum queue per consuming service and purpose, bound to the routing keys it needs. The
// handler and the inbox row commit in one transaction, then the message is acked: a redelivery changes nothing.
// A failing message is retried a bounded number of times (the queue's delivery limit), then dead-lettered; one that
// cannot be read goes to the dead-letter queue at once. Neither blocks the messages behind it.
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { extractTraceContext, inSpan, recordFailure, SERVICE_ATTRIBUTE, SpanKind } from '../observability/tracing.ts';
import type { FactHandler, ReadFact } from './fact-handler.ts';
import { deadLetterExchange, deadLetterQueue, queueName } from './queues.ts';

export interface Subscription {
  /** What the queue is for, e.g. "event-catalog"; with the service it names the queue and the inbox. */
  purpose: string;
  /** One per contract the queue is bound to; each applies its fact inside the transaction that records it in the inbox. */
  handlers: FactHandler<EntityManager>[];
}

/** Redeliveries of a failing message before the broker dead-letters it (its handler runs once more than this). */
export const DEFAULT_DELIVERY_LIMIT = 5;

export interface ConsumerOptions {
  service: string;
  exchange: string;
  orm: Orm;
  logger: Logger;
  subscriptions: Subscription[];
  prefetch?: number;
  /** Deliveries before a failing message is dead-lettered. */
  deliveryLimit?: number;
  metrics?: Metrics;
}

/** Declares the queues and starts consuming; give it to connectRabbit's onConnect so it runs again after a reconnect. */
export function consumerSetup(options: ConsumerOptions): (model: ChannelModel) => Promise<void> {
  const { exchange, logger } = options;
  return async (model) => {
    const dlx = deadLetterExchange(exchange);
    const setup = await model.createChannel();
    await setup.assertExchange(dlx, 'direct', { durable: true });
    await setup.close();
    for (const subscription of options.subscriptions) {
      const queue = queueName(exchange, options.service, subscription.purpose);
      const channel = await model.createChannel();
      channel.on('error', (err: Error) => logger.warn({ err, queue }, 'consumer channel error'));
      await channel.assertQueue(deadLetterQueue(queue), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await channel.bindQueue(deadLetterQueue(queue), dlx, queue);
      await channel.assertQueue(queue, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
          'x-dead-letter-exchange': dlx,
          'x-dead-letter-routing-key': queue,
        },
      });
      for (const { contract } of subscription.handlers) await channel.bindQueue(queue, exchange, contract.routingKey);
      await channel.prefetch(options.prefetch ?? 20);
      await channel.consume(queue, (message) => {
        if (message) void traced(options.service, queue, message, () => deliver(options, subscription, channel, queue, message));
      });
    }
  };
}

/** Handles a message in a consumer span that continues the trace of the change that published it. */
function traced(service: string, queue: string, message: ConsumeMessage, handle: () => Promise<void>): Promise<void> {
  return inSpan(
    `consume ${message.properties.type ?? message.fields.routingKey}`,
    {
      kind: SpanKind.CONSUMER,
      parent: extractTraceContext(message.properties.headers),
      attributes: {
        [SERVICE_ATTRIBUTE]: service,
        'messaging.system': 'rabbitmq',
        'messaging.destination.name': queue,
        'messaging.rabbitmq.destination.routing_key': message.fields.routingKey,
        'messaging.message.id': String(message.properties.messageId ?? ''),
        'messaging.message.redelivered': message.fields.redelivered,
      },
    },
    handle,
  );
}

async function deliver(
  options: ConsumerOptions,
  subscription: Subscription,
  channel: Channel,
  queue: string,
  message: ConsumeMessage,
): Promise<void> {
  const { logger, metrics } = options;
  if (message.fields.redelivered) metrics?.redelivered.inc({ queue });
  const handler = subscription.handlers.find((h) => h.contract.routingKey === message.fields.routingKey);
  let fact: ReadFact<EntityManager>;
  try {
    if (!handler) throw new Error(`no contract for routing key ${message.fields.routingKey}`);
    fact = handler.read(JSON.parse(message.content.toString('utf8')));
  } catch (err) {
    recordFailure(err);
    logger.error({ err, queue, messageId: message.properties.messageId }, 'unreadable message sent to the dead-letter queue');
    metrics?.deadLettered.inc({ queue });
    safely(() => channel.nack(message, false, false));
    return;
  }
  const inbox = `${options.service}.${subscription.purpose}`;
  const { envelope } = fact;
  try {
    await options.orm.em.fork().transactional(async (em) => {
      const fresh = await em.execute(
        'insert into inbox_message (consumer, message_id, type) values (?, ?, ?) on conflict do nothing returning message_id',
        [inbox, envelope.id, `${envelope.type}.v${envelope.version}`],
      );
      if (fresh.length === 0) return; // already applied: the redelivery changes nothing
      await fact.apply(em);
    });
    safely(() => channel.ack(message));
    metrics?.consumed.inc({ queue });
  } catch (err) {
    const attempt = Number(message.properties.headers?.['x-delivery-count'] ?? 0) + 1;
    if (attempt > (options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT)) metrics?.deadLettered.inc({ queue });
    recordFailure(err);
    logger.warn({ err, queue, messageId: envelope.id, type: envelope.type, attempt }, 'message handler failed; it will be retried');
    // Back to the queue; past the delivery limit the broker dead-letters it.
    safely(() => channel.nack(message, false, true));
  }
}

/** An ack on a channel that closed meanwhile fails; the broker redelivers and the inbox absorbs it. */
function safely(action: () => void): void {
  try {
    action();
  } catch {
    // the channel is gone
  }
}
