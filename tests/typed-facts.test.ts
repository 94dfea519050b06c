// Facts are typed by the contract a handler subscribes with: reading a field the contract lacks fails the typecheck,
// and the handler receives the contract's parsed data (coerced, defaulted, unknown fields dropped), also through a
// real consumer queue.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { consumerSetup, type Subscription } from '../common/messaging/consumer.ts';
import { on, type FactHandler } from '../common/messaging/fact-handler.ts';
import { queueName, deadLetterQueue } from '../common/messaging/queues.ts';
import { bookingCancelledV1, bookingConfirmedV1 } from '../contracts/bookings.ts';
import { defineEvent, type EnvelopeOf, type FactOf } from '../contracts/envelope.ts';
import { eventPublishedV1 } from '../contracts/events.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../contracts/payments.ts';
import { sessionRevokedV1 } from '../contracts/users.ts';
import { openService, testConfig, testLogger } from './support/context.ts';
import { until } from './support/wait.ts';

/** A contract of this test only, with a coercion and a default, so "parsed" differs visibly from "as sent". */
const probedV1 = defineEvent(
  'typed-facts.probed',
  1,
  z.object({ count: z.coerce.number().int(), note: z.string().default('none'), at: z.iso.datetime({ offset: true }) }),
);

const rawEnvelope = (type: string, data: unknown) => ({
  id: randomUUID(),
  type,
  version: 1,
  occurredAt: new Date().toISOString(),
  producer: 'test',
  data,
});

describe('typed facts', () => {
  it('types each handler by its contract, so a field the contract lacks does not compile', () => {
    on(paymentCapturedV1, (_em: EntityManager, fact) => {
      expectTypeOf(fact).toEqualTypeOf<EnvelopeOf<typeof paymentCapturedV1>>();
      expectTypeOf(fact.data.amountMinor).toEqualTypeOf<number>();
      // @ts-expect-error payment.captured carries no refund status
      void fact.data.status;
    });
    on(paymentRefundedV1, (_em: EntityManager, { data }) => {
      expectTypeOf(data.status).toEqualTypeOf<'PARTIALLY_REFUNDED' | 'REFUNDED'>();
    });
    on(eventPublishedV1, (_em: EntityManager, { data }) => {
      // @ts-expect-error only event.cancelled has a reason
      void data.reason;
    });
    on(sessionRevokedV1, (_sessions: Set<string>, { data }) => {
      expectTypeOf(data.tokensValidUntil).toEqualTypeOf<string>();
    });
    // A handler written for one contract cannot be subscribed to another.
    const countSale = async (_em: EntityManager, _fact: EnvelopeOf<typeof bookingConfirmedV1>) => {};
    // @ts-expect-error booking.cancelled carries no paymentId
    on(bookingCancelledV1, countSale);
    expectTypeOf<FactOf<typeof probedV1>>().toEqualTypeOf<{ count: number; note: string; at: string }>();
    // Handlers of different contracts share one subscription.
    expectTypeOf([on(bookingConfirmedV1, countSale), on(probedV1, async (_em: EntityManager) => {})]).toExtend<Subscription['handlers']>();
  });

  it('hands the handler the parsed data: coerced, defaulted, unknown fields dropped', () => {
    const received: FactOf<typeof probedV1>[] = [];
    const handler = on(probedV1, (into: typeof received, { data }) => void into.push(data));
    const at = new Date().toISOString();
    const fact = handler.read(rawEnvelope(probedV1.type, { count: '7', at, extra: 'not in the contract' }));
    fact.apply(received);
    expect(received).toStrictEqual([{ count: 7, note: 'none', at }]);
    expect(fact.envelope.type).toBe('typed-facts.probed');
  });

  it('refuses a body of another contract or one that does not fit, before the handler runs', () => {
    const handler: FactHandler<string[], void> = on(probedV1, (into: string[]) => void into.push('ran'));
    expect(() => handler.read(rawEnvelope('typed-facts.other', { count: 1, at: new Date().toISOString() }))).toThrow(
      /expected typed-facts\.probed\.v1/,
    );
    expect(() => handler.read(rawEnvelope(probedV1.type, { count: 'many', at: new Date().toISOString() }))).toThrow();
  });

  describe('through a consumer queue', () => {
    const config = testConfig();
    const logger = testLogger();
    const purpose = `typed-facts-${randomUUID().slice(0, 8)}`;
    const queue = queueName(config.rabbitmq.exchange, 'bookings', purpose);
    const received: FactOf<typeof probedV1>[] = [];
    let opened: Awaited<ReturnType<typeof openService>>;
    let connection: ChannelModel;
    let channel: ConfirmChannel;

    beforeAll(async () => {
      opened = await openService('bookings', config, logger);
      connection = await amqp.connect(config.rabbitmq.url);
      const subscription: Subscription = {
        purpose,
        handlers: [
          on(probedV1, (_em, { data }) => {
            received.push(data);
            return Promise.resolve();
          }),
        ],
      };
      await consumerSetup({
        service: 'bookings',
        exchange: config.rabbitmq.exchange,
        orm: opened.deps.orm,
        logger,
        subscriptions: [subscription],
      })(connection);
      channel = await connection.createConfirmChannel();
    });

    afterAll(async () => {
      await channel?.deleteQueue(queue);
      await channel?.deleteQueue(deadLetterQueue(queue));
      await connection?.close();
      await opened?.close();
    });

    it("binds the queue to its handlers' contracts and applies the fact as the contract parses it", async () => {
      const at = new Date().toISOString();
      const envelope = rawEnvelope(probedV1.type, { count: '3', at, extra: true });
      channel.publish(config.rabbitmq.exchange, probedV1.routingKey, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        messageId: envelope.id,
      });
      await channel.waitForConfirms();
      const applied = async () =>
        (
          await opened.deps.orm.em
            .fork()
            .execute('select 1 from inbox_message where consumer = ? and message_id = ?', [`bookings.${purpose}`, envelope.id])
        ).length > 0;
      await until(applied, 5_000);
      expect(received).toStrictEqual([{ count: 3, note: 'none', at }]);
    });
  });
});
