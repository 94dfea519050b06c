// Settling the deliveries of one consumer channel: an ack only after the commit, one frame for a whole batch when no
// older delivery is still being applied, and nothing at all once the channel is gone (the broker redelivers then).
import type { Channel, ConsumeMessage } from 'amqplib';

export class Acks {
  readonly #channel: Channel;
  // Delivery tags not settled yet. The broker numbers a channel's deliveries upwards and a Set iterates in insertion
  // order, so the first one is the oldest still outstanding.
  readonly #outstanding = new Set<number>();
  #closed = false;

  constructor(channel: Channel) {
    this.#channel = channel;
    channel.on('close', () => (this.#closed = true));
  }

  /** True once the channel closed: its unsettled deliveries are back in the queue. */
  get closed(): boolean {
    return this.#closed;
  }

  delivered(message: ConsumeMessage): void {
    this.#outstanding.add(message.fields.deliveryTag);
  }

  /** Acks deliveries whose facts are committed (or were applied before). */
  ack(messages: ConsumeMessage[]): void {
    let newest = messages[0];
    if (!newest) return;
    for (const message of messages) {
      this.#outstanding.delete(message.fields.deliveryTag);
      if (message.fields.deliveryTag > newest.fields.deliveryTag) newest = message;
    }
    const oldest = this.#outstanding.values().next();
    // A multiple ack settles every outstanding delivery up to its tag: only safe when none of them is still applying.
    if (messages.length > 1 && (oldest.done || oldest.value > newest.fields.deliveryTag)) {
      const last = newest;
      this.#settle(() => this.#channel.ack(last, true));
    } else {
      for (const message of messages) this.#settle(() => this.#channel.ack(message));
    }
  }

  /** Hands a delivery back: requeued for another attempt (the broker dead-letters it past the limit), or dead-lettered now. */
  nack(message: ConsumeMessage, requeue: boolean): void {
    this.#outstanding.delete(message.fields.deliveryTag);
    this.#settle(() => this.#channel.nack(message, false, requeue));
  }

  /** A settle on a channel that closed meanwhile fails; the broker redelivers and the inbox absorbs it. */
  #settle(action: () => void): void {
    if (this.#closed) return;
    try {
      action();
    } catch {
      // the channel is gone
    }
  }
}
