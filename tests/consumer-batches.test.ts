// Facts applied in batches over the real RabbitMQ, through consumers built as the services build them on an exchange of
// this file's own: a burst shares transactions and each fact is applied once, a poison fact in a batch is dead-lettered
// alone while the others commit, copies and redeliveries (also of a batch cut off mid-transaction) change nothing, and
// the facts of one order key are applied in the order they were published.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../common/db/orm.ts';
import { openServiceOrm } from '../common/db/orm.ts';
import { consumerSetup, DEFAULT_DELIVERY_LIMIT, type Subscription } from '../common/messaging/consumer.ts';
import { on, type HandlerOptions } from '../common/messaging/fact-handler.ts';
import { deadLetterQueue, queueName } from '../common/messaging/queues.ts';
import { removeTopology } from './support/broker.ts';
import { buildEnvelope, defineEvent, type Envelope, type EnvelopeOf } from '../contracts/envelope.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { until } from './support/wait.ts';

/** A contract of this test only: its facts reach only the queues declared here. */
const probedV1 = defineEvent('consumer-batches.probed', 1, z.object({ key: z.string(), seq: z.number().int(), note: z.string() }));
type Probed = EnvelopeOf<typeof probedV1>;

const PROBE = `probe_${randomUUID().slice(0, 8)}`;

describe('facts applied in batches', () => {
  const config = testConfig();
  const logger = testLogger();
  const exchange = `${config.rabbitmq.exchange}-batches-${randomUUID().slice(0, 8)}`;
  const declared: string[] = [];
  const connections: ChannelModel[] = [];
  let orm: Orm;
  let model: ChannelModel;
  let channel: ConfirmChannel;

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
    // Each application of a fact is a row, with the transaction that wrote it: a fact applied twice shows twice.
    await orm.em
      .fork()
      .execute(
        `create table ${PROBE} (id bigserial primary key, consumer text not null, fact_id uuid not null, key text not null, seq int not null, tx bigint not null default txid_current())`,
      );
    model = await amqp.connect(config.rabbitmq.url);
    channel = await model.createConfirmChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
  });

  afterAll(async () => {
    for (const c of connections) await c.close().catch(() => undefined);
    await removeTopology(model, exchange, declared);
    await model?.close();
    await orm?.em.fork().execute(`drop table if exists ${PROBE}`);
    await orm?.close();
  });

  /** Writes the fact's row in the transaction that applies it. */
  const record = async (em: EntityManager, purpose: string, { id, data }: Probed): Promise<void> => {
    await em.execute(`insert into ${PROBE} (consumer, fact_id, key, seq) values (?, ?, ?, ?)`, [purpose, id, data.key, data.seq]);
  };

  /** A bookings consumer of `purpose` on this file's exchange, on a connection of its own. */
  async function consume(
    purpose: string,
    handle: (em: EntityManager, fact: Probed) => Promise<void>,
    options: HandlerOptions<EntityManager, Probed['data'], Promise<void>> = {},
    tuning: Pick<Subscription, 'lanes' | 'maxBatch'> = {},
  ): Promise<{ queue: string; connection: ChannelModel }> {
    const queue = queueName(exchange, 'bookings', purpose);
    if (!declared.includes(queue)) declared.push(queue);
    const connection = await amqp.connect(config.rabbitmq.url);
    connections.push(connection);
    const subscription: Subscription = { purpose, handlers: [on(probedV1, handle, options)], ...tuning };
    await consumerSetup({ service: 'bookings', exchange, orm, logger, subscriptions: [subscription] })(connection);
    return { queue, connection };
  }

  /** Publishes each envelope as the outbox relay does, all at once, and waits for the broker's confirms. */
  async function publish(envelopes: Envelope[]): Promise<void> {
    for (const envelope of envelopes) {
      channel.publish(exchange, probedV1.routingKey, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        messageId: envelope.id,
        type: envelope.type,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
  }

  const facts = (count: number, keyOf: (i: number) => string = () => randomUUID(), noteOf: (i: number) => string = () => 'fine') =>
    Array.from({ length: count }, (_, i) => buildEnvelope(probedV1, { key: keyOf(i), seq: i, note: noteOf(i) }, 'test'));

  const rows = (purpose: string) =>
    orm.em
      .fork()
      .execute<{ fact_id: string; key: string; seq: number; tx: string }[]>(
        `select fact_id, key, seq, tx from ${PROBE} where consumer = ? order by id`,
        [purpose],
      );
  const inbox = async (purpose: string, ids: string[]) =>
    (
      await orm.em
        .fork()
        .execute<{ message_id: string }[]>('select message_id from inbox_message where consumer = ? and message_id in (?)', [
          `bookings.${purpose}`,
          ids,
        ])
    ).map((r) => r.message_id);
  /** Nothing waits in the queue and nothing is unacked: every delivery was settled. */
  const settled = async (queue: string) => {
    const ch = await model.createChannel();
    try {
      const { messageCount } = await ch.checkQueue(queue);
      return messageCount === 0;
    } finally {
      await ch.close();
    }
  };
  const depth = async (queue: string) => (await channel.checkQueue(queue)).messageCount;

  it('applies a burst in shared transactions, each fact exactly once, and acks every delivery', async () => {
    const purpose = `burst-${randomUUID().slice(0, 8)}`;
    const { queue, connection } = await consume(purpose, (em, fact) => record(em, purpose, fact));
    const burst = facts(200);
    await publish(burst);
    await until(
      async () =>
        (
          await inbox(
            purpose,
            burst.map((f) => f.id),
          )
        ).length === burst.length,
      20_000,
      100,
    );
    const applied = await rows(purpose);
    expect(applied.map((r) => r.fact_id).sort()).toEqual(burst.map((f) => f.id).sort());
    // Fewer transactions than facts: several facts committed together.
    expect(new Set(applied.map((r) => r.tx)).size).toBeLessThan(burst.length);
    await connection.close();
    // Closing the consumer hands back whatever it had not acked: nothing.
    expect(await settled(queue)).toBe(true);
  });

  it('dead-letters the poison fact of a batch after the delivery limit and applies the others once', async () => {
    const purpose = `poison-${randomUUID().slice(0, 8)}`;
    const attempts: string[] = [];
    const { queue } = await consume(purpose, async (em, fact) => {
      if (fact.data.note === 'poison') {
        attempts.push(fact.id);
        throw new Error('this projection cannot take it');
      }
      await record(em, purpose, fact);
    });
    const burst = facts(60, undefined, (i) => (i === 30 ? 'poison' : 'fine'));
    const poison = burst[30]!;
    await publish(burst);
    await until(async () => (await depth(deadLetterQueue(queue))) === 1, 30_000, 100);
    const healthy = burst.filter((f) => f !== poison).map((f) => f.id);
    expect((await rows(purpose)).map((r) => r.fact_id).sort()).toEqual([...healthy].sort());
    expect((await inbox(purpose, [poison.id])).length).toBe(0);
    // Once per delivery: the first and the redeliveries up to the limit, never again inside a fallback.
    expect(attempts).toEqual(Array(DEFAULT_DELIVERY_LIMIT + 1).fill(poison.id));
    const dead = await channel.get(deadLetterQueue(queue));
    expect(dead && JSON.parse(dead.content.toString()).id).toBe(poison.id);
    if (dead) channel.ack(dead);
  });

  it('applies the others one by one when a batch fails as a whole, and dead-letters only the poison', async () => {
    const purpose = `whole-${randomUUID().slice(0, 8)}`;
    const poisonous = (fact: Probed) => fact.data.note === 'poison';
    const handle = async (em: EntityManager, fact: Probed) => {
      if (poisonous(fact)) throw new Error('this projection cannot take it');
      await record(em, purpose, fact);
    };
    // The batch form fails for the whole run, so no single fact can be blamed.
    const applyMany = async (em: EntityManager, run: Probed[]) => {
      if (run.some(poisonous)) throw new Error('one of these is poison');
      for (const fact of run) await record(em, purpose, fact);
    };
    const { queue } = await consume(purpose, handle, { applyMany });
    const burst = facts(60, undefined, (i) => (i === 5 ? 'poison' : 'fine'));
    await publish(burst);
    await until(async () => (await depth(deadLetterQueue(queue))) === 1, 30_000, 100);
    const healthy = burst.filter((_, i) => i !== 5).map((f) => f.id);
    await until(async () => (await inbox(purpose, healthy)).length === healthy.length, 10_000, 100);
    expect((await rows(purpose)).map((r) => r.fact_id).sort()).toEqual([...healthy].sort());
    expect((await inbox(purpose, [burst[5]!.id])).length).toBe(0);
  });

  it('applies nothing twice: copies in one burst, copies after the commit, a batch whose consumer vanished before its acks', async () => {
    const purpose = `again-${randomUUID().slice(0, 8)}`;
    // The first consumer holds its first batch open until told, so the channel can go while the transaction runs.
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { queue, connection: first } = await consume(purpose, async (em, fact) => {
      entered();
      await gate;
      await record(em, purpose, fact);
    });
    const burst = facts(40);
    // Every fact twice in the same burst, as a broker redelivering it would.
    await publish([...burst, ...burst]);
    await inside;
    await first.close(); // its unacked deliveries go back to the queue, its transaction is still open
    await consume(purpose, (em, fact) => record(em, purpose, fact));
    release();
    await until(
      async () =>
        (
          await inbox(
            purpose,
            burst.map((f) => f.id),
          )
        ).length === burst.length,
      20_000,
      100,
    );
    await until(() => settled(queue), 10_000, 100);
    // And once more after everything committed.
    await publish(burst);
    await until(() => settled(queue), 10_000, 100);
    const applied = await rows(purpose);
    expect(applied.map((r) => r.fact_id).sort()).toEqual(burst.map((f) => f.id).sort());
  });

  it('applies the facts of one order key in the order they were published, the keys side by side', async () => {
    const purpose = `ordered-${randomUUID().slice(0, 8)}`;
    const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => `${k}-${randomUUID().slice(0, 4)}`);
    // Handlers that take a varying while would finish out of order if one key's facts ran side by side.
    const { connection } = await consume(
      purpose,
      async (em, fact) => {
        await new Promise((r) => setTimeout(r, fact.data.seq % 3));
        await record(em, purpose, fact);
      },
      { orderKey: (fact) => fact.data.key },
      { maxBatch: 7 },
    );
    const burst = facts(150, (i) => keys[i % keys.length]!);
    await publish(burst);
    await until(
      async () =>
        (
          await inbox(
            purpose,
            burst.map((f) => f.id),
          )
        ).length === burst.length,
      20_000,
      100,
    );
    const applied = await rows(purpose);
    expect(applied).toHaveLength(burst.length);
    for (const key of keys) {
      const published = burst.filter((f) => f.data.key === key).map((f) => f.data.seq);
      expect(applied.filter((r) => r.key === key).map((r) => r.seq)).toEqual(published);
    }
    await connection.close();
  });
});
