// The outbox relay: facts committed with a change reach RabbitMQ once the broker confirmed them, even after an outage.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { ZodError } from 'zod';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { enqueueEvent, OutboxRelay } from '../common/messaging/outbox.ts';
import { connectRabbit, type Rabbit } from '../common/messaging/rabbitmq.ts';
import { parseEnvelope } from '../contracts/envelope.ts';
import { userRegisteredV1 } from '../contracts/users.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { until } from './support/wait.ts';

describe('the outbox relay', () => {
  const config = testConfig();
  const logger = testLogger();
  let orm: Orm;
  let brokerLink: TcpProxy;
  let rabbit: Rabbit;
  let relay: OutboxRelay;
  let listener: ChannelModel;
  let channel: Channel;
  const received: string[] = [];

  beforeAll(async () => {
    const broker = new URL(config.rabbitmq.url);
    brokerLink = await startTcpProxy({ host: broker.hostname, port: Number(broker.port || 5672) });
    broker.host = `127.0.0.1:${brokerLink.port}`;
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
    rabbit = await connectRabbit({ url: broker.toString(), exchange: config.rabbitmq.exchange, logger });
    relay = new OutboxRelay({ orm, rabbit, logger, pollIntervalMs: 100 });
    relay.start();
    listener = await amqp.connect(config.rabbitmq.url);
    channel = await listener.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, config.rabbitmq.exchange, userRegisteredV1.routingKey);
    await channel.consume(queue, (msg) => {
      if (!msg) return;
      received.push(parseEnvelope(userRegisteredV1, JSON.parse(msg.content.toString())).data.userId);
      channel.ack(msg);
    });
  });

  afterAll(async () => {
    await relay?.stop();
    await rabbit?.close();
    await brokerLink?.close();
    await listener?.close();
    await orm?.close();
  });

  async function commitFacts(ids: string[]): Promise<void> {
    await orm.em.fork().transactional((em) => {
      for (const userId of ids)
        enqueueEvent(em, userRegisteredV1, { userId, email: `${userId}@example.com`, name: 'x', role: 'user' }, 'test');
      return Promise.resolve();
    });
  }

  /** How many of these facts' rows are not marked sent yet. */
  const unsent = async (userIds: string[]) =>
    Number(
      (
        await orm.em
          .fork()
          .execute<{ n: string }[]>(
            "select count(*) as n from outbox_message where sent_at is null and payload->'data'->>'userId' in (?)",
            [userIds],
          )
      )[0]!.n,
    );

  it('publishes committed rows and marks them sent', async () => {
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    await commitFacts(ids);
    relay.kick();
    await until(() => ids.every((id) => received.includes(id)), 5_000);
    await until(async () => (await unsent(ids)) === 0, 5_000);
  });

  it('never publishes a rolled-back fact', async () => {
    const id = crypto.randomUUID();
    await expect(
      orm.em.fork().transactional((em) => {
        enqueueEvent(em, userRegisteredV1, { userId: id, email: `${id}@example.com`, name: 'x', role: 'user' }, 'test');
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const marker = crypto.randomUUID();
    await commitFacts([marker]);
    await until(() => received.includes(marker), 5_000);
    expect(received).not.toContain(id);
  });

  it('refuses to build a fact that does not fit its contract, and stages no row for it', async () => {
    const em = orm.em.fork();
    const name = `misfit ${crypto.randomUUID()}`;
    let refused: unknown;
    try {
      enqueueEvent(em, userRegisteredV1, { userId: 'not-a-uuid', email: 'misfit@example.com', name, role: 'user' }, 'test');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ZodError);
    expect((refused as ZodError).issues.map((issue) => issue.path.join('.'))).toEqual(['userId']);
    // Flushing what the refused call left behind writes nothing to the outbox.
    await em.flush();
    const [row] = await orm.em
      .fork()
      .execute<{ n: string }[]>("select count(*) as n from outbox_message where payload->'data'->>'name' = ?", [name]);
    expect(Number(row!.n)).toBe(0);
  });

  it('keeps facts while RabbitMQ is unreachable and sends every one when it is back', async () => {
    await brokerLink.cut();
    await until(() => !rabbit.isConnected(), 5_000);
    const ids = Array.from({ length: 20 }, () => crypto.randomUUID());
    await commitFacts(ids);
    // Wait for a pass of the relay made after the commit: each one starts by asking whether the broker is there.
    const brokerChecks = vi.spyOn(rabbit, 'isConnected');
    try {
      relay.kick();
      await until(() => brokerChecks.mock.results.some((r) => r.type === 'return' && r.value === false), 15_000);
    } finally {
      brokerChecks.mockRestore();
    }
    expect(await unsent(ids)).toBe(20);
    expect(ids.some((id) => received.includes(id))).toBe(false);
    await brokerLink.restore();
    await until(() => ids.every((id) => received.includes(id)), 20_000);
    await until(async () => (await unsent(ids)) === 0, 5_000);
  });
});
