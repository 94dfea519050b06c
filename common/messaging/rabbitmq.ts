// One RabbitMQ connection per process that reconnects by itself and re-declares its topology each time.
import amqp, { type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from '../logger.ts';
import { redactUrl } from '../redact.ts';

export interface RabbitOptions {
  url: string;
  exchange: string;
  logger: Logger;
  /** Runs after every (re)connect: declare queues and start consumers here. */
  onConnect?: (model: ChannelModel) => Promise<void>;
  /** Connection attempts before start-up gives up (steady-state reconnects never give up). */
  initialRetries?: number;
}

export interface Rabbit {
  readonly connection: RecoveringChannelModel;
  readonly exchange: string;
  isConnected(): boolean;
  /** Throws when the broker is not reachable right now; used by /ready. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export async function connectRabbit(options: RabbitOptions): Promise<Rabbit> {
  const { logger, exchange } = options;
  let connected = false;
  let lastError: string | undefined;
  const connection = await amqp.connect(options.url, {
    noDelay: true,
    recovery: {
      initialDelay: 200,
      maxDelay: 5_000,
      initialMaxRetries: options.initialRetries ?? 3,
      maxRetries: Infinity,
      waitForConnect: false,
      async setup(model: ChannelModel) {
        const channel = await model.createChannel();
        await channel.assertExchange(exchange, 'topic', { durable: true });
        await channel.close();
        await options.onConnect?.(model);
      },
    },
  });
  connection.on('connect', () => {
    if (lastError) logger.info({ broker: redactUrl(options.url) }, 'RabbitMQ connection restored');
    connected = true;
    lastError = undefined;
  });
  connection.on('disconnect', (err: Error) => {
    connected = false;
    lastError = err?.message ?? 'connection closed';
    logger.warn({ err: lastError }, 'RabbitMQ connection lost; reconnecting');
  });
  connection.on('connect-failed', (err: Error) => {
    lastError = err.message;
  });
  connection.on('error', (err: Error) => {
    lastError = err.message;
  });
  try {
    await connection.waitForConnect();
    connected = true;
  } catch (err) {
    throw new Error(`RabbitMQ is not reachable at ${redactUrl(options.url)}: ${(err as Error).message}`, { cause: err });
  }

  return {
    connection,
    exchange,
    isConnected: () => connected,
    async check() {
      if (!connected) throw new Error(`RabbitMQ unreachable (${lastError ?? 'reconnecting'})`);
      const channel = await connection.createChannel();
      try {
        await channel.checkExchange(exchange);
      } finally {
        await channel.close().catch(() => undefined);
      }
    },
    close: () => connection.close(),
  };
}
