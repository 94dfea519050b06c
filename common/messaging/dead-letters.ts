// Dead-lettered facts for an operator: what waits in each consumer queue's dead-letter queue and why, and the way back.
// A replay publishes each message to its queue with publisher confirms and acks the dead-letter copy only once the broker
// has confirmed the new one: a crash in between leaves the fact in both queues (the consumer's inbox applies an envelope
// id once, so the second copy changes nothing), never in neither.
import type { Channel, ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { DomainError } from '../errors/domain-error.ts';
import { deadLetterQueue } from './queues.ts';
import { DEFAULT_DELIVERY_LIMIT } from './consumer.ts';

/** Added by a replay: how often the message was sent back to its queue (the broker's own counts start again). */
export const REPLAYS_HEADER = 'eventix-replays';

const CONFIRM_TIMEOUT_MS = 10_000;

// Written by the broker when it dead-letters or delivers a message; a replayed message goes out without them, so its
// delivery count starts again and a second dead-lettering is recorded afresh. CC/BCC would route it a second time.
const BROKER_HEADERS = /^(x-death|x-first-death-.+|x-last-death-.+|x-delivery-count|x-acquired-count|CC|BCC)$/;

export interface DeadLetter {
  /** The message id; for a fact from an outbox, its envelope id (the inbox's key). Undefined when it was sent without one. */
  messageId: string | undefined;
  /** The fact's type as published, e.g. "event.published". */
  type: string | undefined;
  /** The routing key it was first published with (the consumer picks the handler by it). */
  routingKey: string | undefined;
  /** Why the broker dead-lettered it: "delivery_limit" (its handler kept failing) or "rejected" (it could not be read). */
  reason: string | undefined;
  deadLetteredAt: Date | undefined;
  /**
   * Deliveries to the consumer before it was dead-lettered, as the reason implies: the first and `deliveryLimit` more
   * for "delivery_limit", the one that could not read it for "rejected". The broker records no count of its own.
   */
  deliveries: number | undefined;
  /** Replays so far (each came back here). */
  replays: number;
  bodyBytes: number;
  /** The first bytes of the body, as UTF-8. */
  body: string;
}

export interface DeadLetterQueue {
  /** The consumer queue, e.g. "eventix.events.bookings.event-catalog"; its dead letters wait in `deadLetterQueue`. */
  queue: string;
  deadLetterQueue: string;
  /** False when the broker has no such queue yet (its service has not started on this exchange). */
  declared: boolean;
  /** Messages waiting in the dead-letter queue. */
  depth: number;
  /** Consumers of the queue itself: a replay into a queue without any waits there. */
  consumers: number;
  /** The first `peek` of them, oldest first. */
  messages: DeadLetter[];
}

export interface ListOptions {
  /** Messages read per dead-letter queue (default 50). */
  peek?: number;
  /** Bytes of each body shown (default 200). */
  bodyBytes?: number;
  deliveryLimit?: number;
}

/**
 * Each queue's dead-letter queue with its depth and its first messages. Reading a message takes it from the queue for
 * a moment; all are handed back unchanged (in order) before the channel closes, so a listing moves nothing.
 */
export async function listDeadLetters(model: ChannelModel, queues: string[], options: ListOptions = {}): Promise<DeadLetterQueue[]> {
  const listed: DeadLetterQueue[] = [];
  for (const queue of queues) listed.push(await listOne(model, queue, options));
  return listed;
}

async function listOne(model: ChannelModel, queue: string, options: ListOptions): Promise<DeadLetterQueue> {
  const dlq = deadLetterQueue(queue);
  const depths = await queueDepths(model, queue);
  if (!depths) return { queue, deadLetterQueue: dlq, declared: false, depth: 0, consumers: 0, messages: [] };
  const channel = await openChannel(model);
  const messages: DeadLetter[] = [];
  try {
    for (let i = 0; i < (options.peek ?? 50); i++) {
      const message = await channel.get(dlq, { noAck: false });
      if (!message) break;
      messages.push(describe(message, queue, options));
    }
    channel.nackAll(true);
  } finally {
    await channel.close().catch(() => undefined);
  }
  return { queue, deadLetterQueue: dlq, declared: true, depth: depths.deadLettered, consumers: depths.consumers, messages };
}

export interface Replayed {
  messageId: string | undefined;
  routingKey: string;
  from: string;
  to: string;
}

export interface ReplayOptions {
  /** Only this message (by message id, or the envelope id in its body); without it every message waiting now. */
  messageId?: string;
  /** Called after each message is moved (confirmed in the queue, its dead-letter copy acked). */
  onMoved?: (moved: Replayed) => void;
}

export interface ReplayResult {
  moved: Replayed[];
  /** Messages left where they were because nothing says where they were first published to. */
  skipped: { messageId: string | undefined; why: string }[];
  /** Consumers of the queue when the replay started: with none, the moved messages wait there for their service. */
  consumers: number;
}

/**
 * Moves dead-lettered messages back to `queue`: one by id, or every message waiting when the replay starts (one that
 * fails again and comes back meanwhile is not taken a second time). Each keeps its body, message id, type, routing
 * key and headers (the trace context among them) and reaches this queue alone, not every queue bound to its key.
 */
export async function replayDeadLetters(model: ChannelModel, queue: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const from = deadLetterQueue(queue);
  const depths = await queueDepths(model, queue);
  if (!depths)
    throw new DomainError('not_found', 'DEAD_LETTER_QUEUE_UNKNOWN', `RabbitMQ has no queue ${queue} with a dead-letter queue ${from}`);
  const channel = await model.createConfirmChannel();
  let returned = false;
  channel.on('error', () => undefined);
  // A publish that reached no queue comes back before its confirm: its dead-letter copy must stay.
  channel.on('return', () => (returned = true));
  const result: ReplayResult = { moved: [], skipped: [], consumers: depths.consumers };
  let found = false;
  try {
    // Messages that come back while the replay runs arrive behind these, so the count bounds the work.
    for (let left = depths.deadLettered; left > 0 && !found; left--) {
      const message = await channel.get(from, { noAck: false });
      if (!message) break;
      const messageId = idOf(message);
      if (options.messageId !== undefined && messageId !== options.messageId) continue; // handed back below
      found = options.messageId !== undefined;
      const routingKey = deathOf(message, queue)?.['routing-keys']?.[0];
      if (typeof routingKey !== 'string') {
        result.skipped.push({ messageId, why: 'no x-death header names the routing key it was published with' });
        continue;
      }
      returned = false;
      const outcome = await confirmed(channel, routingKey, message.content, republishOptions(message, queue));
      const which = messageId ?? 'a message without an id';
      // Not confirmed: the dead-letter copy stays (a timed-out publish may still arrive: a duplicate at worst).
      if (outcome !== 'confirmed') throw new Error(`RabbitMQ ${outcome} ${which} for ${queue}; it stays in ${from}`);
      if (returned) throw new Error(`RabbitMQ routed ${which} to no queue (is ${queue} gone?); it stays in ${from}`);
      channel.ack(message);
      const moved = { messageId, routingKey, from, to: queue };
      result.moved.push(moved);
      options.onMoved?.(moved);
    }
  } finally {
    // Everything read and not moved goes back to the dead-letter queue as it was.
    try {
      channel.nackAll(true);
    } catch {
      // the channel is gone, and with it every unacked message went back
    }
    await channel.close().catch(() => undefined);
  }
  if (options.messageId !== undefined && !found) {
    throw new DomainError('not_found', 'DEAD_LETTER_NOT_FOUND', `no message ${options.messageId} is waiting in ${from}`);
  }
  return result;
}

/**
 * Sent through the default exchange, whose BCC header names the one queue it goes to: the consumer sees the original
 * routing key and no other queue bound to that key gets a second copy.
 */
function republishOptions(message: GetMessage, queue: string): Options.Publish {
  const { properties } = message;
  const headers = Object.fromEntries(Object.entries(properties.headers ?? {}).filter(([name]) => !BROKER_HEADERS.test(name)));
  return {
    persistent: true,
    mandatory: true,
    // amqplib types the properties it decoded as any; they are what the publisher set.
    messageId: properties.messageId as string | undefined,
    type: properties.type as string | undefined,
    contentType: properties.contentType as string | undefined,
    contentEncoding: properties.contentEncoding as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    appId: properties.appId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    headers: { ...headers, [REPLAYS_HEADER]: replaysOf(message) + 1, BCC: [queue] },
  };
}

/** Publishes through the default exchange and waits for the broker's answer. */
function confirmed(
  channel: ConfirmChannel,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<'confirmed' | 'refused' | `did not confirm within ${number} ms`> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(`did not confirm within ${CONFIRM_TIMEOUT_MS} ms`), CONFIRM_TIMEOUT_MS);
    channel.publish('', routingKey, content, options, (err: unknown) => {
      clearTimeout(timer);
      resolve(err ? 'refused' : 'confirmed');
    });
  });
}

/** Ready messages in the dead-letter queue and consumers of the queue; undefined when either is not declared. */
async function queueDepths(model: ChannelModel, queue: string): Promise<{ deadLettered: number; consumers: number } | undefined> {
  // A check of a missing queue closes its channel, so this one is used for nothing else.
  const channel = await openChannel(model);
  try {
    const { consumerCount } = await channel.checkQueue(queue);
    const { messageCount } = await channel.checkQueue(deadLetterQueue(queue));
    return { deadLettered: messageCount, consumers: consumerCount };
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  } finally {
    await channel.close().catch(() => undefined);
  }
}

async function openChannel(model: ChannelModel): Promise<Channel> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  return channel;
}

type Death = { queue?: unknown; reason?: unknown; time?: unknown; count?: unknown; 'routing-keys'?: unknown[] };

/** The x-death entry the broker wrote when it dead-lettered the message from `queue`. */
function deathOf(message: GetMessage, queue: string): Death | undefined {
  const deaths: unknown = message.properties.headers?.['x-death'];
  if (!Array.isArray(deaths)) return undefined;
  return (deaths as Death[]).find((d) => d.queue === queue) ?? (deaths[0] as Death | undefined);
}

function describe(message: GetMessage, queue: string, options: ListOptions): DeadLetter {
  const headers = message.properties.headers ?? {};
  const death = deathOf(message, queue);
  const reason = stringOr(death?.reason) ?? stringOr(headers['x-first-death-reason']);
  const deliveryLimit = options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT;
  return {
    messageId: idOf(message),
    type: stringOr(message.properties.type),
    routingKey: stringOr(death?.['routing-keys']?.[0]),
    reason,
    deadLetteredAt: timeOf(death?.time),
    deliveries: reason === 'delivery_limit' ? deliveryLimit + 1 : reason === 'rejected' ? 1 : undefined,
    replays: replaysOf(message),
    bodyBytes: message.content.length,
    body: message.content.subarray(0, options.bodyBytes ?? 200).toString('utf8'),
  };
}

/** The message id, or for a message sent without one the envelope id in its body (what the inbox records). */
function idOf(message: GetMessage): string | undefined {
  const id = stringOr(message.properties.messageId);
  if (id) return id;
  try {
    const body: unknown = JSON.parse(message.content.toString('utf8'));
    return typeof body === 'object' && body !== null ? stringOr((body as { id?: unknown }).id) : undefined;
  } catch {
    return undefined;
  }
}

function replaysOf(message: GetMessage): number {
  const value = Number(message.properties.headers?.[REPLAYS_HEADER] ?? 0);
  return Number.isFinite(value) ? value : 0;
}

/** An AMQP timestamp (seconds), as amqplib decodes it: a number or { value }. */
function timeOf(value: unknown): Date | undefined {
  const seconds = typeof value === 'object' && value !== null ? (value as { value?: unknown }).value : value;
  return typeof seconds === 'number' ? new Date(seconds * 1000) : undefined;
}

const stringOr = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
