// Dead letters over the real RabbitMQ, through a consumer built as the services build it on an exchange of this file's
// own: a fact whose handler keeps failing ends in the dead-letter queue after the delivery limit, is listed with why,
// and once the handler is fixed a replay applies it exactly once; an unreadable message replayed goes straight back
// without holding up the facts behind it; `npm run dead-letters` lists and replays with the services' configuration.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { z } from 'zod';
import type { Orm } from '../common/db/orm.ts';
import { openServiceOrm } from '../common/db/orm.ts';
import { consumerSetup } from '../common/messaging/consumer.ts';
import { listDeadLetters, replayDeadLetters, REPLAYS_HEADER } from '../common/messaging/dead-letters.ts';
import { on } from '../common/messaging/fact-handler.ts';
import { deadLetterExchange, deadLetterQueue, queueName } from '../common/messaging/queues.ts';
import { removeTopology } from './support/broker.ts';
import { buildEnvelope, defineEvent, type EnvelopeOf } from '../contracts/envelope.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { until } from './support/wait.ts';

/** A contract of this test only: its facts reach only the queues declared here. */
const probedV1 = defineEvent('dead-letters.probed', 1, z.object({ note: z.string() }));
type Probed = EnvelopeOf<typeof probedV1>;

const CLI = fileURLToPath(new URL('../scripts/dead-letters.ts', import.meta.url));
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('dead letters', () => {
  const config = testConfig();
  const logger = testLogger();
  const exchange = `${config.rabbitmq.exchange}-dead-letters-${randomUUID().slice(0, 8)}`;
  const declared: string[] = [];
  const consumers: ChannelModel[] = [];
  let orm: Orm;
  let model: ChannelModel;
  let channel: ConfirmChannel;

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
    model = await amqp.connect(config.rabbitmq.url);
    channel = await model.createConfirmChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
  });

  afterAll(async () => {
    for (const c of consumers) await c.close().catch(() => undefined);
    await removeTopology(model, exchange, declared);
    await model?.close();
    await orm?.close();
  });

  /** A bookings consumer of `purpose` on this file's exchange, with the delivery limit and inbox the services use. */
  async function consume(purpose: string, handle: (fact: Probed) => void): Promise<{ queue: string; stop: () => Promise<void> }> {
    const queue = queueName(exchange, 'bookings', purpose);
    if (!declared.includes(queue)) declared.push(queue);
    const connection = await amqp.connect(config.rabbitmq.url);
    consumers.push(connection);
    const handlers = [on(probedV1, (_em, fact) => Promise.resolve().then(() => handle(fact)))];
    await consumerSetup({ service: 'bookings', exchange, orm, logger, subscriptions: [{ purpose, handlers }] })(connection);
    return { queue, stop: () => connection.close() };
  }

  /** Publishes a fact as the outbox relay does: message id, type, trace context. */
  async function publish(note: string, routingKey = probedV1.routingKey): Promise<Probed> {
    const envelope = buildEnvelope(probedV1, { note }, 'test');
    channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      messageId: envelope.id,
      type: envelope.type,
      contentType: 'application/json',
      headers: { traceparent: TRACEPARENT },
    });
    await channel.waitForConfirms();
    return envelope;
  }

  async function publishUnreadable(body: string, messageId?: string): Promise<void> {
    channel.publish(exchange, probedV1.routingKey, Buffer.from(body), { persistent: true, ...(messageId ? { messageId } : {}) });
    await channel.waitForConfirms();
  }

  const depth = async (queue: string) => (await channel.checkQueue(queue)).messageCount;
  const applied = async (purpose: string, messageId: string) =>
    (await orm.em.fork().execute('select 1 from inbox_message where consumer = ? and message_id = ?', [`bookings.${purpose}`, messageId]))
      .length > 0;

  it('unbinds a routing key an earlier version bound and no handler reads, so its facts no longer reach the queue', async () => {
    const purpose = `retired-${randomUUID().slice(0, 8)}`;
    const retired = 'dead-letters.retired.v1';
    const first = await consume(purpose, () => undefined);
    // An earlier version of the subscription read the retired fact too.
    await channel.bindQueue(first.queue, exchange, retired);
    await first.stop();
    const connection = await amqp.connect(config.rabbitmq.url);
    consumers.push(connection);
    const handlers = [on(probedV1, () => Promise.resolve())];
    await consumerSetup({
      service: 'bookings',
      exchange,
      orm,
      logger,
      subscriptions: [{ purpose, handlers, retiredRoutingKeys: [retired] }],
    })(connection);
    // With no queue bound to it any more, a mandatory publish comes back unroutable.
    const returned = new Promise<string>((resolve) => channel.once('return', (msg: GetMessage) => resolve(msg.fields.routingKey)));
    channel.publish(exchange, retired, Buffer.from('{}'), { mandatory: true });
    await channel.waitForConfirms();
    expect(await returned).toBe(retired);
    await connection.close();
  });

  it('dead-letters a fact its handler fails at every delivery, lists why, and applies it exactly once when replayed after a fix', async () => {
    const purpose = `failing-${randomUUID().slice(0, 8)}`;
    let broken = true;
    const attempts: string[] = [];
    const handled: string[] = [];
    const handle = (fact: Probed) => {
      attempts.push(fact.id);
      if (broken) throw new Error('the projection is broken');
      handled.push(fact.id);
    };
    const { queue, stop } = await consume(purpose, handle);
    // Another subscriber of the same contract: a replay is for the one queue that failed, not for every subscriber.
    const { queue: other } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(other, exchange, probedV1.routingKey);
    // The broker stamps whole seconds.
    const since = Math.floor(Date.now() / 1000) * 1000;
    const fact = await publish('fails until fixed');
    await until(async () => (await depth(deadLetterQueue(queue))) === 1, 20_000, 100);
    // The first delivery and five redeliveries (x-delivery-limit 5); then the broker dead-letters it.
    expect(attempts).toEqual(Array(6).fill(fact.id));

    const [listed] = await listDeadLetters(model, [queue]);
    expect(listed).toMatchObject({ queue, deadLetterQueue: deadLetterQueue(queue), declared: true, depth: 1, consumers: 1 });
    expect(listed!.messages).toEqual([
      {
        messageId: fact.id,
        type: probedV1.type,
        routingKey: probedV1.routingKey,
        reason: 'delivery_limit',
        deadLetteredAt: expect.any(Date),
        deliveries: 6,
        replays: 0,
        bodyBytes: Buffer.byteLength(JSON.stringify(fact)),
        body: JSON.stringify(fact).slice(0, 200),
      },
    ]);
    expect(listed!.messages[0]!.deadLetteredAt!.getTime()).toBeGreaterThanOrEqual(since);
    expect(listed!.messages[0]!.deadLetteredAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await depth(deadLetterQueue(queue)), 'a listing moves nothing').toBe(1);

    // The consumer is stopped while the fix is deployed, so the replayed message can be seen as it will be delivered.
    await stop();
    // The broker counts the cancelled consumer out a moment after the channel closes.
    await until(async () => (await channel.checkQueue(queue)).consumerCount === 0, 10_000, 50);
    broken = false;
    const moved: unknown[] = [];
    const replay = await replayDeadLetters(model, queue, { messageId: fact.id, onMoved: (m) => moved.push(m) });
    const expected = { messageId: fact.id, routingKey: probedV1.routingKey, from: deadLetterQueue(queue), to: queue };
    expect(replay).toEqual({ moved: [expected], skipped: [], consumers: 0 });
    expect(moved).toEqual([expected]);
    expect(await depth(deadLetterQueue(queue))).toBe(0);
    expect(await depth(other), 'the other subscriber has the first publication only').toBe(1);
    const waiting = (await channel.get(queue)) as GetMessage;
    expect(waiting, 'the replayed fact waits in its queue').toBeTruthy();
    expect(waiting.content.toString()).toBe(JSON.stringify(fact));
    expect(waiting.fields.routingKey, 'the consumer picks its handler by the original routing key').toBe(probedV1.routingKey);
    expect(waiting.properties).toMatchObject({ messageId: fact.id, type: probedV1.type, contentType: 'application/json', deliveryMode: 2 });
    // The trace context is kept; the broker's counts start again (a basic.get may show the fresh count as 0), so the
    // delivery limit applies afresh, and the dead-lettering's own headers are gone.
    const { 'x-delivery-count': deliveryCount = 0, ...headers } = waiting.properties.headers ?? {};
    expect(deliveryCount).toBe(0);
    expect(headers).toEqual({ traceparent: TRACEPARENT, [REPLAYS_HEADER]: 1 });
    channel.nack(waiting, false, true);

    await consume(purpose, handle);
    await until(() => applied(purpose, fact.id), 10_000);
    await until(async () => (await depth(queue)) === 0, 5_000);
    expect(handled).toEqual([fact.id]);
    expect(attempts).toHaveLength(7);
    expect(await depth(deadLetterQueue(queue))).toBe(0);
  });

  it('sends a replayed unreadable message straight back to the dead-letter queue while the facts behind it are applied', async () => {
    const purpose = `unreadable-${randomUUID().slice(0, 8)}`;
    const handled: string[] = [];
    const { queue } = await consume(purpose, (fact) => void handled.push(fact.id));
    const poisonId = randomUUID();
    await publishUnreadable('{ this is not json', poisonId);
    await publishUnreadable('neither is this');
    await until(async () => (await depth(deadLetterQueue(queue))) === 2, 10_000);

    const replay = await replayDeadLetters(model, queue);
    const behind = [await publish('one'), await publish('two'), await publish('three')];
    // Each is moved once: one that comes back while the replay runs is not taken again.
    expect(replay.moved.map((m) => m.messageId)).toEqual([poisonId, undefined]);
    for (const fact of behind) await until(() => applied(purpose, fact.id), 10_000);
    expect(handled.sort()).toEqual(behind.map((f) => f.id).sort());
    await until(async () => (await depth(deadLetterQueue(queue))) === 2, 10_000);
    const [listed] = await listDeadLetters(model, [queue]);
    expect(listed!.messages).toEqual([
      expect.objectContaining({ messageId: poisonId, reason: 'rejected', deliveries: 1, replays: 1, body: '{ this is not json' }),
      expect.objectContaining({ messageId: undefined, reason: 'rejected', replays: 1, body: 'neither is this' }),
    ]);
    // Replayed again by its id, it comes back once more and says so.
    expect((await replayDeadLetters(model, queue, { messageId: poisonId })).moved).toHaveLength(1);
    await until(async () => (await depth(deadLetterQueue(queue))) === 2, 10_000);
    const [again] = await listDeadLetters(model, [queue]);
    expect(again!.messages.map((m) => [m.messageId, m.replays])).toEqual(
      expect.arrayContaining([
        [poisonId, 2],
        [undefined, 1],
      ]),
    );
  });

  it('keeps the dead-letter copy when its queue refuses the replayed message, so nothing is lost', async () => {
    // A queue of the consumers' shape that takes one message and refuses more (the broker nacks the publish).
    const queue = queueName(exchange, 'bookings', `full-${randomUUID().slice(0, 8)}`);
    declared.push(queue);
    await channel.assertExchange(deadLetterExchange(exchange), 'direct', { durable: true });
    await channel.assertQueue(deadLetterQueue(queue), { durable: true });
    await channel.bindQueue(deadLetterQueue(queue), deadLetterExchange(exchange), queue);
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-max-length': 1,
        'x-overflow': 'reject-publish',
        'x-dead-letter-exchange': deadLetterExchange(exchange),
        'x-dead-letter-routing-key': queue,
      },
    });
    // A key of its own: a full queue refuses (nacks) every publication routed to it, the other tests' among them.
    const routingKey = `${probedV1.routingKey}.full`;
    await channel.bindQueue(queue, exchange, routingKey);
    const fact = await publish('refused on replay', routingKey);
    const first = (await channel.get(queue)) as GetMessage;
    channel.nack(first, false, false);
    await until(async () => (await depth(deadLetterQueue(queue))) === 1, 5_000);
    await publish('fills the queue again', routingKey);

    await expect(replayDeadLetters(model, queue)).rejects.toThrow(
      `RabbitMQ refused ${fact.id} for ${queue}; it stays in ${deadLetterQueue(queue)}`,
    );
    expect(await depth(queue)).toBe(1);
    const [listed] = await listDeadLetters(model, [queue]);
    expect(listed!.messages).toEqual([expect.objectContaining({ messageId: fact.id, reason: 'rejected', replays: 0 })]);
  });

  it('says so when the message or the queue to replay is not there, and leaves the dead letters as they were', async () => {
    const purpose = `missing-${randomUUID().slice(0, 8)}`;
    const { queue } = await consume(purpose, () => undefined);
    const poisonId = randomUUID();
    await publishUnreadable('not a fact', poisonId);
    await until(async () => (await depth(deadLetterQueue(queue))) === 1, 10_000);

    const absent = randomUUID();
    await expect(replayDeadLetters(model, queue, { messageId: absent })).rejects.toMatchObject({
      code: 'DEAD_LETTER_NOT_FOUND',
      kind: 'not_found',
      message: `no message ${absent} is waiting in ${deadLetterQueue(queue)}`,
    });
    await expect(replayDeadLetters(model, queueName(exchange, 'bookings', 'never-declared'))).rejects.toMatchObject({
      code: 'DEAD_LETTER_QUEUE_UNKNOWN',
    });
    const [listed] = await listDeadLetters(model, [queue]);
    expect(listed).toMatchObject({ depth: 1, messages: [{ messageId: poisonId, replays: 0, reason: 'rejected' }] });
  });

  it('lists and replays from `npm run dead-letters` with the services’ configuration', async () => {
    // A platform queue name, on this file's exchange, so no service of the test run consumes from it.
    const purpose = 'event-catalog';
    let broken = true;
    const handled: string[] = [];
    const { queue } = await consume(purpose, (fact) => {
      if (broken) throw new Error('the projection is broken');
      handled.push(fact.id);
    });
    const fact = await publish('through the command line');
    await until(async () => (await depth(deadLetterQueue(queue))) === 1, 20_000, 100);

    const list = await cli();
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${escape(queue)}\\s+1\\s+1$`, 'm'));
    expect(list.stdout).toMatch(
      new RegExp(
        `^\\s+${fact.id}\\s+${escape(probedV1.type)}\\s+${escape(probedV1.routingKey)}\\s+delivery_limit\\s+\\S+Z\\s+6\\s+0\\s+\\{`,
        'm',
      ),
    );
    expect(list.stdout).toMatch(new RegExp(`^${escape(queueName(exchange, 'users', 'notifications'))}\\s+not declared`, 'm'));

    const absent = randomUUID();
    const missing = await cli('replay', 'bookings.event-catalog', '--message', absent);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain(`no message ${absent} is waiting in ${deadLetterQueue(queue)}`);
    const unknown = await cli('replay', 'bookings.no-such-purpose');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`unknown queue "bookings.no-such-purpose" on exchange ${exchange}`);
    expect(unknown.stderr).toContain('bookings.event-catalog');
    expect(await depth(deadLetterQueue(queue))).toBe(1);

    broken = false;
    const replay = await cli('replay', 'bookings.event-catalog', '--message', fact.id);
    expect(replay).toMatchObject({ code: 0, stderr: '' });
    expect(replay.stdout.trim().split('\n')).toEqual([
      `moved ${fact.id} [${probedV1.routingKey}] ${deadLetterQueue(queue)} -> ${queue}`,
      `1 message moved to ${queue}`,
    ]);
    await until(() => applied(purpose, fact.id), 10_000);
    expect(handled).toEqual([fact.id]);
    expect((await cli('--help')).stdout).toContain('npm run dead-letters -- replay <queue> [--message <id>]');
    // Five runs of the script, each loading the platform's service registry.
  }, 60_000);

  /** Runs the script as `npm run dead-letters` would, with this file's broker and exchange. */
  function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { PATH: process.env.PATH ?? '', RABBITMQ_URL: config.rabbitmq.url, RABBITMQ_EXCHANGE: exchange };
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
