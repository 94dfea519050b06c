// Applying a consumer queue's facts in batches: the inbox rows and the projection writes of many facts in one
// transaction, acked together after the commit. Lanes apply batches side by side; the facts of one order key always
// share a lane, so they are applied in the order they were delivered. A batch that fails is applied again fact by fact:
// the fact that broke it is retried alone (and dead-lettered past the delivery limit), the others commit.
import { context, SpanStatusCode, type Context as TraceContext, type Span } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import type { EntityManager } from '@mikro-orm/postgresql';
import { boundQuery } from '../db/bound.ts';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Acks } from './acks.ts';
import type { ReadFact } from './fact-handler.ts';

/** A message read with its contract, waiting in a lane, in a consumer span that continues the publisher's trace. */
export interface Delivery {
  message: ConsumeMessage;
  fact: ReadFact<EntityManager>;
  span: Span;
  /** The span's context: the fact is applied (and logs) inside it. */
  trace: TraceContext;
}

export interface BatchSettings {
  orm: Orm;
  logger: Logger;
  metrics?: Metrics;
  queue: string;
  /** The inbox's consumer name, `<service>.<purpose>`. */
  inbox: string;
  deliveryLimit: number;
  acks: Acks;
}

/** Errors of the batch as a whole (a deadlock, a conflict, an aborted transaction) rather than of the fact that met them. */
const BATCH_ERRORS = /^(40|25P02)/;

export class Lanes {
  readonly #lanes: Lane[];

  constructor(count: number, maxBatch: number, lingerMs: number, settings: BatchSettings) {
    this.#lanes = Array.from({ length: Math.max(1, count) }, () => new Lane(Math.max(1, maxBatch), Math.max(0, lingerMs), settings));
  }

  push(delivery: Delivery): void {
    // Copies of one fact share a lane too (its key, or its id), so they never race each other for the inbox row.
    const key = delivery.fact.orderKey ?? delivery.fact.envelope.id;
    this.#lanes[hash(key) % this.#lanes.length]!.push(delivery);
  }
}

class Lane {
  readonly #waiting: Delivery[] = [];
  #running = false;
  #lingering: NodeJS.Timeout | undefined;
  readonly maxBatch: number;
  readonly lingerMs: number;
  readonly settings: BatchSettings;

  constructor(maxBatch: number, lingerMs: number, settings: BatchSettings) {
    this.maxBatch = maxBatch;
    this.lingerMs = lingerMs;
    this.settings = settings;
  }

  push(delivery: Delivery): void {
    this.#waiting.push(delivery);
    if (this.#running) return; // the running loop takes it with the next batch
    if (this.#waiting.length >= this.maxBatch) this.#start();
    // A burst arrives over several socket reads: waiting a moment lets its first batch be a full one instead of the
    // few facts of the first read, which would hold the lane for a whole transaction.
    else this.#lingering ??= setTimeout(() => this.#start(), this.lingerMs);
  }

  #start(): void {
    clearTimeout(this.#lingering);
    this.#lingering = undefined;
    this.#running = true;
    void this.#run();
  }

  async #run(): Promise<void> {
    try {
      while (this.#waiting.length) {
        const batch = this.#waiting.splice(0, this.maxBatch);
        // The channel closed: the broker has put these back and delivers them again on the next channel.
        if (this.settings.acks.closed) for (const d of batch) d.span.end();
        else await applyBatch(this.settings, batch);
      }
    } catch (err) {
      this.settings.logger.error({ err, queue: this.settings.queue }, 'consumer lane stopped; its facts are redelivered');
    } finally {
      this.#running = false;
    }
  }
}

async function applyBatch(settings: BatchSettings, batch: Delivery[]): Promise<void> {
  if (batch.length === 1) return applyOne(settings, batch[0]!);
  let applying: Delivery | undefined;
  try {
    await settings.orm.em.fork().transactional(async (em) => {
      const todo = await unseen(em, settings.inbox, batch);
      for (let i = 0, end = 1; i < todo.length; i = end, end = i + 1) {
        const first = todo[i]!;
        const many = first.fact.applyMany;
        while (many && end < todo.length && todo[end]!.fact.applyMany === many) end++;
        if (end - i > 1) {
          applying = undefined; // a failure here is not one fact's
          await many!(
            em,
            todo.slice(i, end).map((d) => d.fact.envelope),
          );
        } else {
          applying = first;
          await context.with(first.trace, () => first.fact.apply(em));
        }
      }
      applying = undefined;
      await record(em, settings.inbox, todo);
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const blamed = applying && !(typeof code === 'string' && BATCH_ERRORS.test(code)) ? applying : undefined;
    settings.logger.warn(
      { err, queue: settings.queue, facts: batch.length, messageId: blamed?.fact.envelope.id },
      'a batch of facts failed; applying them one by one',
    );
    // The fact whose handler threw has had its attempt; the others each get a transaction of their own.
    if (blamed) failed(settings, blamed, err);
    for (const delivery of batch) if (delivery !== blamed) await applyOne(settings, delivery);
    return;
  }
  settings.acks.ack(batch.map((d) => d.message));
  settings.metrics?.consumed.inc({ queue: settings.queue }, batch.length);
  for (const d of batch) d.span.end();
}

/**
 * The batch's facts the inbox does not hold yet, each once (a second copy in the batch is acked with the rest). Only
 * read here: the rows are written after the facts are applied (see `record`), so each is one write, not two.
 */
async function unseen(em: EntityManager, inbox: string, batch: Delivery[]): Promise<Delivery[]> {
  const rows = await boundQuery<{ message_id: string }>(
    em,
    'select message_id from inbox_message where consumer = $1 and message_id = any($2::uuid[])',
    [inbox, batch.map((d) => d.fact.envelope.id)],
  );
  const seen = new Set(rows.map((r) => r.message_id.toLowerCase()));
  return batch.filter((d) => {
    const id = d.fact.envelope.id.toLowerCase();
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Records the applied facts in the inbox, stamped with the time they were applied: now, just before the commit.
 * Another consumer may have applied one of them since `unseen` looked (a redelivery after a lost channel): its row is
 * there then, or this insert waits for its transaction, and the batch rolls back rather than apply a fact twice.
 */
async function record(em: EntityManager, inbox: string, applied: Delivery[]): Promise<void> {
  if (applied.length === 0) return;
  // In one order everywhere, so two consumers recording overlapping batches wait for each other instead of deadlocking.
  const facts = applied.map(({ fact: { envelope } }) => ({ id: envelope.id.toLowerCase(), type: `${envelope.type}.v${envelope.version}` }));
  facts.sort((a, b) => (a.id < b.id ? -1 : 1));
  const rows = await boundQuery<{ message_id: string }>(
    em,
    `insert into inbox_message (consumer, message_id, type, processed_at)
     select $1, fact.id, fact.type, clock_timestamp() from unnest($2::uuid[], $3::varchar[]) as fact (id, type) order by fact.id
     on conflict do nothing returning message_id`,
    [inbox, facts.map((f) => f.id), facts.map((f) => f.type)],
  );
  if (rows.length < facts.length) throw new AppliedMeanwhile(facts.length - rows.length);
}

/** Some facts of a batch were applied by another consumer while this one applied them too: none of the batch counts. */
class AppliedMeanwhile extends Error {
  constructor(count: number) {
    super(`${count} fact(s) of the batch were applied meanwhile by another consumer`);
    this.name = 'AppliedMeanwhile';
  }
}

/** One fact in its own transaction, as a consumer without batches applies it. */
async function applyOne(settings: BatchSettings, delivery: Delivery): Promise<void> {
  const { envelope } = delivery.fact;
  try {
    await context.with(delivery.trace, () =>
      settings.orm.em.fork().transactional(async (em) => {
        const fresh = await em.execute(
          'insert into inbox_message (consumer, message_id, type) values (?, ?, ?) on conflict do nothing returning message_id',
          [settings.inbox, envelope.id, `${envelope.type}.v${envelope.version}`],
        );
        if (fresh.length === 0) return; // already applied: the redelivery changes nothing
        await delivery.fact.apply(em);
      }),
    );
  } catch (err) {
    failed(settings, delivery, err);
    return;
  }
  settings.acks.ack([delivery.message]);
  settings.metrics?.consumed.inc({ queue: settings.queue });
  delivery.span.end();
}

/** Back to the queue for another attempt; past the delivery limit the broker dead-letters it. */
function failed(settings: BatchSettings, delivery: Delivery, err: unknown): void {
  const { queue, logger, metrics } = settings;
  const { envelope } = delivery.fact;
  const attempt = Number(delivery.message.properties.headers?.['x-delivery-count'] ?? 0) + 1;
  if (attempt > settings.deliveryLimit) metrics?.deadLettered.inc({ queue });
  delivery.span.recordException(err instanceof Error ? err : String(err));
  delivery.span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  context.with(delivery.trace, () =>
    logger.warn({ err, queue, messageId: envelope.id, type: envelope.type, attempt }, 'message handler failed; it will be retried'),
  );
  settings.acks.nack(delivery.message, true);
  delivery.span.end();
}

/** FNV-1a: spreads keys over the lanes, the same key always to the same lane. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
