// `npm run bench:propagation`: publish-to-projection lag for a burst of facts. Publishes BENCH_EVENTS event.updated
// facts at once, lets a bookings consumer project them into its event catalog, and reports how long each took from
// its occurredAt to its inbox row (p50, p99, max), and from the broker's confirm of it to its inbox row. Results go to
// data/bench/propagation.json. The suite (`npm run bench`, figure P7) runs the same measurement on its own platform
// through runPropagationBenchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { isMainThread, type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
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

/** Facts sent through the whole path before the burst, so it meets a consumer as warm as a running service's. */
const WARM_UP_FACTS = 100;

/** Marks the thread that runs this module as the burst's publisher (a module imported in some other thread is not). */
const PUBLISHER = 'propagation-publisher';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export type PropagationResult = ReturnType<typeof summarise>;

/** What the publisher tells of each fact it published. */
interface Published {
  id: string;
  eventId: string;
  occurredAt: number;
  confirmedAt: number;
}

interface Burst {
  facts: Published[];
  publishMs: number;
}

interface PublisherInput {
  role: typeof PUBLISHER;
  url: string;
  exchange: string;
}

/**
 * Publishes `count` facts on the configured exchange and measures each one's lag into the bookings event catalog.
 * The bookings database is created and migrated when missing; the benchmark's catalog rows are removed after.
 */
export async function runPropagationBenchmark(config: Config, count: number): Promise<PropagationResult> {
  await ensureDatabase(config.services.bookings.databaseUrl);
  const orm = await openServiceOrm(ormSettings('bookings', config), { migrate: true });
  const rabbit = await startCatalogConsumer(config, orm);
  const publisher = startPublisher(config);
  const eventIds: string[] = [];
  try {
    const warmUp = await publisher.publish(WARM_UP_FACTS);
    eventIds.push(...warmUp.facts.map((f) => f.eventId));
    await awaitProjection(orm, warmUp.facts, { quiet: true });
    console.log(`publishing ${count} event.updated facts to ${config.rabbitmq.exchange}…`);
    const burst = await publisher.publish(count);
    eventIds.push(...burst.facts.map((f) => f.eventId));
    console.log(`published and confirmed in ${burst.publishMs} ms; waiting for the projection…`);
    const rows = await awaitProjection(orm, burst.facts, { quiet: false });
    const result = summarise(rows, burst, count);
    console.log(`publish-to-projection lag: p50 ${result.lagMs?.p50} ms, p99 ${result.lagMs?.p99} ms, max ${result.lagMs?.max} ms`);
    console.log(
      `confirm-to-projection lag: p50 ${result.fromConfirmMs?.p50} ms, p99 ${result.fromConfirmMs?.p99} ms, max ${result.fromConfirmMs?.max} ms`,
    );
    if (rows.length < count) throw new Error(`only ${rows.length} of ${count} facts were projected within 2 minutes`);
    return result;
  } finally {
    // The benchmark's rows leave the catalog again.
    if (eventIds.length) await orm.em.fork().execute('delete from event_catalog where event_id in (?)', [eventIds]);
    await publisher.close();
    await rabbit.close();
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

/** A thread that publishes bursts on request; one for the whole run, so the burst meets it warm too. */
interface Publisher {
  publish(count: number): Promise<Burst>;
  close(): Promise<void>;
}

/**
 * The facts are published from a thread of their own, as the events service's relay publishes from a process of its
 * own: building and sending a thousand messages would otherwise hold the consumer's event loop and count as its lag.
 */
function startPublisher(config: Config): Publisher {
  const input: PublisherInput = { role: PUBLISHER, url: config.rabbitmq.url, exchange: config.rabbitmq.exchange };
  const worker = new Worker(new URL(import.meta.url), { workerData: input });
  return {
    publish: (count) =>
      new Promise<Burst>((resolve, reject) => {
        const stopped = (code: number) => reject(new Error(`the publisher stopped (exit code ${code})`));
        worker.once('error', reject);
        worker.once('exit', stopped);
        worker.once('message', (burst: Burst) => {
          worker.off('error', reject);
          worker.off('exit', stopped);
          resolve(burst);
        });
        worker.postMessage(count);
      }),
    close: async () => void (await worker.terminate()),
  };
}

/** The publisher thread: a confirm channel of its own, a burst of `count` facts for each request. */
async function servePublisher({ url, exchange }: PublisherInput, port: MessagePort): Promise<void> {
  const connection = await amqp.connect(url, { noDelay: true });
  const channel = await connection.createConfirmChannel();
  port.on('message', (count: number) => void publishFacts(channel, exchange, count).then((burst) => port.postMessage(burst)));
}

/**
 * Publishes the facts at once and waits for the broker's confirms. They are built and validated first, as the relay
 * sends payloads its outbox already holds; each one's occurredAt is stamped just before it is sent, and its confirm
 * time is taken from its own confirm callback.
 */
async function publishFacts(channel: ConfirmChannel, exchange: string, count: number): Promise<Burst> {
  const envelopes = Array.from({ length: count }, () =>
    buildEnvelope(
      eventUpdatedV1,
      {
        eventId: randomUUID(),
        title: 'Benchmark event',
        venueId: randomUUID(),
        venueName: 'Bench hall',
        startsAt: new Date().toISOString(),
        endsAt: null,
        status: 'published',
      },
      'bench',
    ),
  );
  const facts: Published[] = [];
  const started = Date.now();
  for (const built of envelopes) {
    const envelope = { ...built, occurredAt: new Date().toISOString() };
    const fact: Published = {
      id: envelope.id,
      eventId: envelope.data.eventId,
      occurredAt: Date.parse(envelope.occurredAt),
      confirmedAt: 0,
    };
    facts.push(fact);
    channel.publish(
      exchange,
      eventUpdatedV1.routingKey,
      Buffer.from(JSON.stringify(envelope)),
      { persistent: true, messageId: envelope.id },
      () => (fact.confirmedAt = Date.now()),
    );
  }
  await channel.waitForConfirms();
  return { facts, publishMs: Date.now() - started };
}

type InboxRow = { message_id: string; processed_at: string };

/** Polls the consumer's inbox until every fact is in it or two minutes have passed, showing the progress. */
async function awaitProjection(orm: Orm, facts: Published[], { quiet }: { quiet: boolean }): Promise<InboxRow[]> {
  const ids = facts.map((f) => f.id);
  const applied = () =>
    orm.em
      .fork()
      .execute<InboxRow[]>(
        `select message_id, processed_at from inbox_message where consumer = 'bookings.event-catalog' and message_id in (?)`,
        [ids],
      );
  const progress = (rows: InboxRow[], end: string) => quiet || process.stdout.write(`\r  projected ${rows.length} of ${ids.length}${end}`);
  const deadline = Date.now() + 120_000;
  let rows = await applied();
  while (rows.length < ids.length && Date.now() < deadline) {
    progress(rows, '');
    await new Promise((r) => setTimeout(r, 250));
    rows = await applied();
  }
  progress(rows, '\n');
  return rows;
}

const spread = (lags: number[]) => {
  const sorted = [...lags].sort((a, b) => a - b);
  return sorted.length ? { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)! } : null;
};

function summarise(rows: InboxRow[], burst: Burst, count: number) {
  const byId = new Map(burst.facts.map((f) => [f.id, f]));
  const appliedAt = rows.map((r) => ({ fact: byId.get(r.message_id)!, at: new Date(r.processed_at).getTime() }));
  const lagMs = spread(appliedAt.map(({ fact, at }) => at - fact.occurredAt));
  return {
    at: new Date().toISOString(),
    events: count,
    projected: rows.length,
    publishMs: burst.publishMs,
    lagMs,
    // The consumer's part alone: from the broker's confirm (a quorum queue delivers what it has committed) to the inbox.
    fromConfirmMs: spread(appliedAt.map(({ fact, at }) => at - fact.confirmedAt)),
    throughputPerSecond: lagMs ? Math.round((rows.length / Math.max(1, lagMs.max)) * 1000) : 0,
  };
}

if (!isMainThread && (workerData as Partial<PublisherInput> | null)?.role === PUBLISHER) {
  await servePublisher(workerData as PublisherInput, parentPort!);
} else if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(`benchmark stopped: ${(err as Error).message}`);
    process.exit(1);
  });
}
