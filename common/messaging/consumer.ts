// Consumers: one durable quorum queue per consuming service and purpose, bound to the routing keys it needs. Facts are
// applied in batches (common/messaging/batches.ts): the handlers and the inbox rows of a batch commit in one
// transaction, then the batch is acked, so a redelivery changes nothing. A failing fact is retried a bounded number of
// times (the queue's delivery limit), then dead-lettered; one that cannot be read goes to the dead-letter queue at once.
// Neither blocks the facts behind it.
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { contextOf, extractTraceContext, SERVICE_ATTRIBUTE, SpanKind, tracer } from '../observability/tracing.ts';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { Acks } from './acks.ts';
import { Lanes, type BatchSettings } from './batches.ts';
import type { FactHandler } from './fact-handler.ts';
import { deadLetterExchange, deadLetterQueue, queueName } from './queues.ts';

export interface Subscription {
  /** What the queue is for, e.g. "event-catalog"; with the service it names the queue and the inbox. */
  purpose: string;
  /** One per contract the queue is bound to; each applies its fact inside the transaction that records it in the inbox. */
  handlers: FactHandler<EntityManager>[];
  /**
   * Facts applied in one transaction at most (default 500). 1 where a handler acts outside the database before the
   * commit (sends an email): in a batch another fact could roll that back, and the action would be repeated.
   */
  maxBatch?: number;
  /** Transactions applying this queue's facts at once, each on a database connection of its own (default 3). */
  lanes?: number;
  /**
   * How long an idle lane waits for more facts before it applies the first one (default 5 ms), unless a full batch is
   * there sooner; a lone fact pays this once, a burst gets full batches instead of a small first one.
   */
  lingerMs?: number;
  /**
   * Routing keys the queue was bound to by an earlier version and no handler reads any more: unbound at every setup,
   * so an existing queue does not keep receiving (and dead-lettering) facts nobody here applies.
   */
  retiredRoutingKeys?: string[];
}

/** Redeliveries of a failing message before the broker dead-letters it (its handler runs once more than this). */
export const DEFAULT_DELIVERY_LIMIT = 5;
export const DEFAULT_MAX_BATCH = 500;
export const DEFAULT_LANES = 3;
export const DEFAULT_LINGER_MS = 5;

export interface ConsumerOptions {
  service: string;
  exchange: string;
  orm: Orm;
  logger: Logger;
  subscriptions: Subscription[];
  /** Unacked deliveries per queue (default: room for every lane's batch and the next one). */
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
      for (const key of subscription.retiredRoutingKeys ?? []) await channel.unbindQueue(queue, exchange, key);
      const maxBatch = subscription.maxBatch ?? DEFAULT_MAX_BATCH;
      const lanes = subscription.lanes ?? DEFAULT_LANES;
      // Room for every lane's batch and the next one: a burst is in the consumer at once instead of waiting for acks.
      await channel.prefetch(options.prefetch ?? Math.max(20, 2 * lanes * maxBatch));
      const acks = new Acks(channel);
      const settings: BatchSettings = {
        orm: options.orm,
        logger,
        metrics: options.metrics,
        queue,
        inbox: `${options.service}.${subscription.purpose}`,
        deliveryLimit: options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
        acks,
      };
      const waiting = new Lanes(lanes, maxBatch, subscription.lingerMs ?? DEFAULT_LINGER_MS, settings);
      await channel.consume(queue, (message) => {
        if (message) receive(options.service, settings, subscription, waiting, message);
      });
    }
  };
}

/**
 * Reads a delivery with its contract and hands it to its lane, in a consumer span that continues the trace of the
 * change that published it; the span ends when the delivery is settled.
 */
function receive(service: string, settings: BatchSettings, subscription: Subscription, lanes: Lanes, message: ConsumeMessage): void {
  const { queue, logger, metrics, acks } = settings;
  acks.delivered(message);
  if (message.fields.redelivered) metrics?.redelivered.inc({ queue });
  const span = tracer().startSpan(
    `consume ${message.properties.type ?? message.fields.routingKey}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [SERVICE_ATTRIBUTE]: service,
        'messaging.system': 'rabbitmq',
        'messaging.destination.name': queue,
        'messaging.rabbitmq.destination.routing_key': message.fields.routingKey,
        'messaging.message.id': String(message.properties.messageId ?? ''),
        'messaging.message.redelivered': message.fields.redelivered,
      },
    },
    extractTraceContext(message.properties.headers),
  );
  const trace = contextOf(span);
  const handler = subscription.handlers.find((h) => h.contract.routingKey === message.fields.routingKey);
  try {
    if (!handler) throw new Error(`no contract for routing key ${message.fields.routingKey}`);
    const fact = handler.read(JSON.parse(message.content.toString('utf8')));
    lanes.push({ message, fact, span, trace });
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    context.with(trace, () =>
      logger.error({ err, queue, messageId: message.properties.messageId }, 'unreadable message sent to the dead-letter queue'),
    );
    metrics?.deadLettered.inc({ queue });
    acks.nack(message, false);
    span.end();
  }
}
