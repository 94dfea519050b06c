// Names of the consumer queues and their dead-letter exchange and queues on the broker.

/** One durable queue per consuming service and purpose, e.g. "eventix.bookings.event-catalog". */
export function queueName(exchange: string, service: string, purpose: string): string {
  return `${exchange}.${service}.${purpose}`;
}

export const deadLetterExchange = (exchange: string) => `${exchange}.dead-letter`;
export const deadLetterQueue = (queue: string) => `${queue}.dead-letter`;
