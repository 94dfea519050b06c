// A test's own RabbitMQ topology, taken down after it: its queues with their dead-letter queues, and its exchanges.
import type { ChannelModel } from 'amqplib';
import { deadLetterExchange, deadLetterQueue } from '../../common/messaging/queues.ts';

/** Deletes the queues (and their dead-letter queues) and the exchange, on a channel of its own: a failed test may have left the shared one closed. */
export async function removeTopology(model: ChannelModel | undefined, exchange: string, queues: Iterable<string>): Promise<void> {
  if (!model) return;
  const cleanup = await model.createChannel();
  for (const queue of queues) {
    await cleanup.deleteQueue(queue);
    await cleanup.deleteQueue(deadLetterQueue(queue));
  }
  await cleanup.deleteExchange(deadLetterExchange(exchange));
  await cleanup.deleteExchange(exchange);
}
