// `npm run bench:propagation`: publish-to-projection lag for a burst of facts. Publishes BENCH_EVENTS event.updated
// facts at once, lets a bookings consumer project them into its event catalog, and reports how long each took from
// its occurredAt to its inbox row (p50, p99, max). Results go to data/bench/propagation.json. The suite
// (`npm run bench`, figure P7) runs the same measurement on its own platform through runPropagationBenchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import amqp, { type ConfirmChannel } from 'amqplib';
import { loadConfig, type Config } from '../common/config.ts';
import { ensureDatabase, openServiceOrm, type Orm } from '../common/db/orm.ts';
import { createLogger } from '../common/logger.ts';
import { consumerSetup } from '../common/messaging/consumer.ts';
import { connectRabbit, type Rabbit } from '../common/messaging/rabbitmq.ts';
import { buildEnvelope } from '../contracts/envelope.ts';
import { eventUpdatedV1 } from '../contracts/events.ts';
import { eventCatalogSubscription } from '../domain/bookings/subscriptions.ts';
import { ormSettings } from '../workers/services.ts';

const logger = createLogger({ log: { level: 'warn', format: 'json' } }, 'bench');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export type PropagationResult = ReturnType<typeof summarise>;

/**
 * Publishes `count` facts on the configured exchange and measures each one's lag into the bookings event catalog.
 * The bookings database is created and migrated when missing; the benchmark's catalog rows are removed after.
 */
export async function runPropagationBenchmark(config: Config, count: number): Promise<PropagationResult> {
  await ensureDatabase(config.services.bookings.databaseUrl);
  const orm = await openServiceOrm(ormSettings('bookings', config), { migrate: true });
  const rabbit = await startCatalogConsumer(config, orm);
  const connection = await amqp.connect(config.rabbitmq.url);
  try {
    const channel = await connection.createConfirmChannel();
    const { occurredAt, eventIds, publishMs } = await publishFacts(config, channel, count);
    const rows = await awaitProjection(orm, [...occurredAt.keys()], count);
    const result = summarise(rows, occurredAt, publishMs, count);
    console.log(`publish-to-projection lag: p50 ${result.lagMs?.p50} ms, p99 ${result.lagMs?.p99} ms, max ${result.lagMs?.max} ms`);
    // The benchmark's rows leave the catalog again.
    await orm.em.fork().execute('delete from event_catalog where event_id in (?)', [eventIds]);
    if (rows.length < count) throw new Error(`only ${rows.length} of ${count} facts were projected within 2 minutes`);
    return result;
  } finally {
    await rabbit.close();
    await connection.close();
    await orm.close();
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const result = await runPropagationBenchmark(config, Number(process.env.BENCH_EVENTS ?? 1000));
  const dir = join(config.dataDir, 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'propagation.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results in ${join(dir, 'propagation.json')}`);
}

/** A consumer of its own (a running platform's bookings consumers share the queue and the work). */
function startCatalogConsumer(config: Config, orm: Orm): Promise<Rabbit> {
  return connectRabbit({
    url: config.rabbitmq.url,
    exchange: config.rabbitmq.exchange,
    logger,
    onConnect: consumerSetup({
      service: 'bookings',
      exchange: config.rabbitmq.exchange,
      orm,
      logger,
      subscriptions: [{ purpose: 'event-catalog', ...eventCatalogSubscription() }],
    }),
  });
}

/** Publishes the burst at once and waits for the broker's confirms; each fact's occurredAt is kept by message id. */
async function publishFacts(
  config: Config,
  channel: ConfirmChannel,
  count: number,
): Promise<{ occurredAt: Map<string, number>; eventIds: string[]; publishMs: number }> {
  const occurredAt = new Map<string, number>();
  const eventIds: string[] = [];
  console.log(`publishing ${count} event.updated facts to ${config.rabbitmq.exchange}…`);
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const eventId = randomUUID();
    eventIds.push(eventId);
    const envelope = buildEnvelope(
      eventUpdatedV1,
      {
        eventId,
        title: 'Benchmark event',
        venueId: randomUUID(),
        venueName: 'Bench hall',
        startsAt: new Date().toISOString(),
        endsAt: null,
        status: 'published',
      },
      'bench',
    );
    occurredAt.set(envelope.id, Date.parse(envelope.occurredAt));
    channel.publish(config.rabbitmq.exchange, eventUpdatedV1.routingKey, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      messageId: envelope.id,
    });
  }
  await channel.waitForConfirms();
  const publishMs = Date.now() - started;
  console.log(`published and confirmed in ${publishMs} ms; waiting for the projection…`);
  return { occurredAt, eventIds, publishMs };
}

type InboxRow = { message_id: string; processed_at: string };

/** Polls the consumer's inbox until every fact is in it or two minutes have passed, showing the progress. */
async function awaitProjection(orm: Orm, ids: string[], count: number): Promise<InboxRow[]> {
  const applied = () =>
    orm.em
      .fork()
      .execute<InboxRow[]>(
        `select message_id, processed_at from inbox_message where consumer = 'bookings.event-catalog' and message_id in (?)`,
        [ids],
      );
  const deadline = Date.now() + 120_000;
  let rows = await applied();
  while (rows.length < count && Date.now() < deadline) {
    process.stdout.write(`\r  projected ${rows.length} of ${count}`);
    await new Promise((r) => setTimeout(r, 250));
    rows = await applied();
  }
  console.log(`\r  projected ${rows.length} of ${count}`);
  return rows;
}

function summarise(rows: InboxRow[], occurredAt: Map<string, number>, publishMs: number, count: number) {
  const lags = rows.map((r) => new Date(r.processed_at).getTime() - occurredAt.get(r.message_id)!).sort((a, b) => a - b);
  return {
    at: new Date().toISOString(),
    events: count,
    projected: rows.length,
    publishMs,
    lagMs: lags.length ? { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1)! } : null,
    throughputPerSecond: lags.length ? Math.round((rows.length / Math.max(1, lags.at(-1)!)) * 1000) : 0,
  };
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(`benchmark stopped: ${(err as Error).message}`);
    process.exit(1);
  });
}
