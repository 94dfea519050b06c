// The outbox: a fact is written in the same transaction as the change it reports, then relayed to RabbitMQ.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConfirmChannel } from 'amqplib';
import type { z } from 'zod';
import { buildEnvelope, type EventContract } from '../../contracts/envelope.ts';
import { OutboxMessage } from './outbox-message.entity.ts';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import type { Rabbit } from './rabbitmq.ts';
import { context, ROOT_CONTEXT, type Span, SpanStatusCode } from '@opentelemetry/api';
import { contextOf, extractTraceContext, SpanKind, traceHeaders, tracer } from '../observability/tracing.ts';

/** Adds a fact to the outbox of the transaction `em` belongs to; it is sent once that transaction commits. */
export function enqueueEvent<S extends z.ZodType>(em: EntityManager, contract: EventContract<S>, data: z.input<S>, producer: string): void {
  const envelope = buildEnvelope(contract, data, producer);
  const traceContext = traceHeaders();
  em.create(OutboxMessage, {
    id: envelope.id,
    type: envelope.type,
    version: envelope.version,
    routingKey: contract.routingKey,
    payload: envelope,
    occurredAt: new Date(envelope.occurredAt),
    // The fact continues the trace of the request or activity that wrote it, whenever the relay sends it.
    headers: Object.keys(traceContext).length ? traceContext : null,
  });
}

export interface OutboxRelayOptions {
  orm: Orm;
  rabbit: Rabbit;
  logger: Logger;
  /** How often the outbox is checked when nothing nudged the relay (rows written by other instances). */
  pollIntervalMs?: number;
  batchSize?: number;
}

const CONFIRM_TIMEOUT_MS = 10_000;

/** Resolves when the broker confirmed everything published on the channel; a silent broker is a failure. */
async function confirmed(channel: ConfirmChannel, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`RabbitMQ did not confirm within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([channel.waitForConfirms(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Row = {
  id: string;
  routing_key: string;
  type: string;
  payload: unknown;
  headers: Record<string, string> | null;
  created_at: string;
};

function publishSpan(row: Row, exchange: string): Span {
  return tracer().startSpan(
    `publish ${row.type}`,
    {
      kind: SpanKind.PRODUCER,
      startTime: new Date(row.created_at),
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.destination.name': exchange,
        'messaging.rabbitmq.destination.routing_key': row.routing_key,
        'messaging.message.id': row.id,
      },
    },
    extractTraceContext(row.headers ?? undefined),
  );
}

/**
 * Publishes unsent outbox rows with publisher confirms and marks them sent only once the broker confirmed.
 * Rows are claimed with row locks (SKIP LOCKED), so two relays never send the same row at once.
 */
export class OutboxRelay {
  readonly #options: Required<Omit<OutboxRelayOptions, 'logger'>> & { logger: Logger };
  #channel: Promise<ConfirmChannel> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  #failures = 0;

  constructor(options: OutboxRelayOptions) {
    this.#options = { pollIntervalMs: 500, batchSize: 100, ...options };
  }

  start(): void {
    this.#stopped = false;
    this.kick();
  }

  /** Sends what is waiting now instead of at the next poll; call after committing an outbox row. */
  kick(): void {
    // Callers kick from inside a request or activity; the relay's loop must not stay in (and log under) their trace.
    context.with(ROOT_CONTEXT, () => this.#kick());
  }

  #kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.kick();
        return;
      }
      // After failures the relay backs off (up to 10 s); otherwise it polls.
      const delay = this.#failures ? Math.min(10_000, 250 * 2 ** this.#failures) : this.#options.pollIntervalMs;
      this.#timer = setTimeout(() => this.kick(), delay);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    const channel = this.#channel;
    this.#channel = undefined;
    await channel?.then((ch) => ch.close()).catch(() => undefined);
  }

  async #drain(): Promise<void> {
    try {
      while (!this.#stopped && (await this.#sendBatch()) === this.#options.batchSize);
      if (this.#failures) this.#options.logger.info('outbox relay publishing again');
      this.#failures = 0;
    } catch (err) {
      this.#failures++;
      if (this.#failures === 1) this.#options.logger.warn({ err }, 'outbox relay cannot publish; retrying with backoff');
      this.#dropChannel();
    }
  }

  #confirmChannel(): Promise<ConfirmChannel> {
    if (!this.#channel) {
      const opening = this.#options.rabbit.connection.createConfirmChannel();
      this.#channel = opening;
      opening.then(
        (channel) => {
          channel.on('error', () => undefined);
          channel.on('close', () => {
            if (this.#channel === opening) this.#channel = undefined;
          });
        },
        () => {
          if (this.#channel === opening) this.#channel = undefined;
        },
      );
    }
    return this.#channel;
  }

  #dropChannel(): void {
    const channel = this.#channel;
    this.#channel = undefined;
    void channel?.then((ch) => ch.close()).catch(() => undefined);
  }

  /** Sends one batch; answers how many rows it sent. */
  async #sendBatch(): Promise<number> {
    const { orm, rabbit, batchSize } = this.#options;
    // While the broker is away nothing is claimed, so no transaction waits on it holding row locks.
    if (!rabbit.isConnected()) throw new Error('RabbitMQ is unreachable');
    const channel = await this.#confirmChannel();
    const em = orm.em.fork();
    try {
      return await em.transactional(async (tx) => {
        const rows = await tx.execute<Row[]>(
          `select id, routing_key, type, payload, headers, created_at from outbox_message where sent_at is null
           order by created_at, id limit ? for update skip locked`,
          [batchSize],
        );
        if (rows.length === 0) return 0;
        const spans: Span[] = [];
        try {
          for (const row of rows) {
            // A publish span in the trace that wrote the row: its length is the time the fact waited in the outbox.
            const span = row.headers ? publishSpan(row, rabbit.exchange) : undefined;
            if (span) spans.push(span);
            channel.publish(rabbit.exchange, row.routing_key, Buffer.from(JSON.stringify(row.payload)), {
              persistent: true,
              messageId: row.id,
              type: row.type,
              contentType: 'application/json',
              timestamp: Math.floor(Date.now() / 1000),
              ...(span ? { headers: traceHeaders(contextOf(span)) } : {}),
            });
          }
          await confirmed(channel, CONFIRM_TIMEOUT_MS);
        } catch (err) {
          for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          for (const span of spans) span.end();
        }
        await tx.execute(`update outbox_message set sent_at = now(), attempts = attempts + 1 where id in (?)`, [rows.map((r) => r.id)]);
        return rows.length;
      });
    } catch (err) {
      await em
        .execute(
          `update outbox_message set attempts = attempts + 1, last_error = ?
           where id in (select id from outbox_message where sent_at is null order by created_at, id limit ? for update skip locked)`,
          [(err as Error).message.slice(0, 1000), batchSize],
        )
        .catch(() => undefined);
      throw err;
    }
  }
}
