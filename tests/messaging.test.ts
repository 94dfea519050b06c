// Facts between services over the real RabbitMQ: each projection applies a fact once however often it arrives, a
// poison message ends in its dead-letter queue without stopping the others, and a customer's payments and
// cancellations reach them as notifications and emails.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { deadLetterQueue, queueName } from '../common/messaging/queues.ts';
import { buildEnvelope, type EventContract } from '../contracts/envelope.ts';
import { bookingCancelledV1, bookingConfirmedV1 } from '../contracts/bookings.ts';
import { eventPublishedV1, eventUpdatedV1 } from '../contracts/events.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../contracts/payments.ts';
import type { OpenedDomainService } from '../workers/service-runtime.ts';
import { openService, testConfig, testLogger } from './support/context.ts';
import { caller } from './support/http.ts';
import { mailTo, mailsTo } from './support/mail.ts';
import { newCustomer } from './support/users.ts';
import { until } from './support/wait.ts';

describe('facts between services', () => {
  const config = testConfig();
  const logger = testLogger();
  const opened = {} as Record<'users' | 'events' | 'bookings', OpenedDomainService>;
  let connection: ChannelModel;
  let channel: ConfirmChannel;

  beforeAll(async () => {
    for (const service of ['users', 'events', 'bookings'] as const) opened[service] = await openService(service, config, logger);
    connection = await amqp.connect(config.rabbitmq.url);
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await connection?.close();
    for (const o of Object.values(opened)) await o?.close();
  });

  /** Publishes the same envelope `times` times, as a broker redelivering it would. */
  async function deliver<C extends EventContract>(contract: C, data: unknown, times = 1, occurredAt?: Date) {
    const envelope = buildEnvelope(contract, data as never, 'test', occurredAt);
    for (let i = 0; i < times; i++) {
      channel.publish(config.rabbitmq.exchange, contract.routingKey, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        messageId: envelope.id,
      });
    }
    await channel.waitForConfirms();
    return envelope;
  }

  const applied = async (service: keyof typeof opened, consumer: string, messageId: string) =>
    (
      await opened[service].deps.orm.em
        .fork()
        .execute('select 1 from inbox_message where consumer = ? and message_id = ?', [consumer, messageId])
    ).length > 0;
  const one = async <T>(service: keyof typeof opened, sql: string, params: unknown[]) =>
    (await opened[service].deps.orm.em.fork().execute<T[]>(sql, params))[0];

  it('keeps every projection as one delivery leaves it when a fact arrives 2 to 5 times', async () => {
    const eventId = randomUUID();
    const venueId = randomUUID();
    const published = await deliver(
      eventPublishedV1,
      {
        eventId,
        title: 'Quartet',
        venueId,
        venueName: 'Hall',
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: null,
        status: 'published',
      },
      3,
    );
    await until(() => applied('bookings', 'bookings.event-catalog', published.id), 5_000);
    // An older update arriving late does not overwrite the newer fact.
    const stale = await deliver(
      eventUpdatedV1,
      { eventId, title: 'Stale title', venueId, venueName: 'Hall', startsAt: new Date().toISOString(), endsAt: null, status: 'published' },
      2,
      new Date(Date.now() - 60_000),
    );
    await until(() => applied('bookings', 'bookings.event-catalog', stale.id), 5_000);
    expect(await one('bookings', 'select title, status from event_catalog where event_id = ?', [eventId])).toEqual({
      title: 'Quartet',
      status: 'published',
    });

    // Sales counters: two confirmations (delivered 4 and 5 times) and the cancellation of one (delivered twice).
    const bookings = [randomUUID(), randomUUID()];
    const seats = [
      { seatId: randomUUID(), label: 'A-1' },
      { seatId: randomUUID(), label: 'A-2' },
    ];
    const confirmed = [];
    for (const [i, bookingId] of bookings.entries()) {
      confirmed.push(
        await deliver(
          bookingConfirmedV1,
          {
            bookingId,
            customerId: randomUUID(),
            eventId,
            seats,
            amountMinor: 10_000,
            currency: 'EUR',
            reason: 'paid',
            paymentId: randomUUID(),
          },
          4 + i,
        ),
      );
    }
    for (const c of confirmed) await until(() => applied('events', 'events.sales', c.id), 5_000);
    const cancelled = await deliver(
      bookingCancelledV1,
      {
        bookingId: bookings[0],
        customerId: randomUUID(),
        eventId,
        seats,
        amountMinor: 10_000,
        currency: 'EUR',
        reason: 'changed mind',
        refundedMinor: 10_000,
      },
      2,
    );
    await until(() => applied('events', 'events.sales', cancelled.id), 5_000);
    expect(await one('events', 'select sold_seats, revenue_minor from event_sales where event_id = ?', [eventId])).toEqual({
      sold_seats: 2,
      revenue_minor: '10000',
    });
  });

  it('keeps the newest of each event in the catalog when a burst of its updates arrives out of order', async () => {
    const eventIds = [randomUUID(), randomUUID(), randomUUID()];
    const venueId = randomUUID();
    const now = Date.now();
    // Ten updates per event, published at once (so the consumer applies them in batches), newest in the middle.
    const ages = [5, 9, 2, 7, 0, 8, 3, 6, 1, 4];
    const envelopes = eventIds.flatMap((eventId) =>
      ages.map((age) =>
        buildEnvelope(
          eventUpdatedV1,
          {
            eventId,
            title: `age ${age}`,
            venueId,
            venueName: 'Hall',
            startsAt: new Date(now).toISOString(),
            endsAt: null,
            status: 'published',
          },
          'test',
          new Date(now - age * 1000),
        ),
      ),
    );
    for (const envelope of envelopes) {
      channel.publish(config.rabbitmq.exchange, eventUpdatedV1.routingKey, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        messageId: envelope.id,
      });
    }
    await channel.waitForConfirms();
    for (const envelope of envelopes) await until(() => applied('bookings', 'bookings.event-catalog', envelope.id), 10_000);
    for (const eventId of eventIds) {
      expect(await one('bookings', 'select title from event_catalog where event_id = ?', [eventId])).toEqual({ title: 'age 0' });
    }
  });

  it('sends a poison message and one whose handler always fails to the dead-letter queue, and keeps the rest flowing', async () => {
    const queue = queueName(config.rabbitmq.exchange, 'bookings', 'event-catalog');
    const before = (await channel.checkQueue(deadLetterQueue(queue))).messageCount;
    channel.publish(config.rabbitmq.exchange, eventPublishedV1.routingKey, Buffer.from('{ this is not json'), { persistent: true });
    // A title longer than the catalog's column: valid by the contract, refused by the database every time.
    const failing = await deliver(eventPublishedV1, {
      eventId: randomUUID(),
      title: 'x'.repeat(300),
      venueId: randomUUID(),
      venueName: 'Hall',
      startsAt: new Date().toISOString(),
      endsAt: null,
      status: 'published',
    });
    const healthyId = randomUUID();
    const healthy = await deliver(eventPublishedV1, {
      eventId: healthyId,
      title: 'Still flowing',
      venueId: randomUUID(),
      venueName: 'Hall',
      startsAt: new Date().toISOString(),
      endsAt: null,
      status: 'published',
    });
    await until(() => applied('bookings', 'bookings.event-catalog', healthy.id), 5_000);
    await until(async () => (await channel.checkQueue(deadLetterQueue(queue))).messageCount >= before + 2, 20_000, 200);
    expect(await applied('bookings', 'bookings.event-catalog', failing.id)).toBe(false);
    const dead = [];
    for (let m = await channel.get(deadLetterQueue(queue)); m; m = await channel.get(deadLetterQueue(queue))) {
      dead.push(m.content.toString());
      channel.ack(m);
    }
    expect(dead).toEqual(expect.arrayContaining(['{ this is not json', expect.stringContaining(failing.id)]));
  });

  it('tells the customer about their payments and cancellations: a notification and an email, as their preferences say', async () => {
    // The booking confirmation itself is the tickets' email (ticket.issued, with their PDF: tests/ticket-emails.test.ts).
    const users = caller(opened.users.app());
    const customer = await newCustomer(users, 'notified');
    const bookingId = randomUUID();
    const receipt = await deliver(
      paymentCapturedV1,
      {
        paymentId: randomUUID(),
        bookingId,
        customerId: customer.id,
        amountMinor: 17_000,
        currency: 'EUR',
        gateway: 'test',
        gatewayReference: 'ch_x',
      },
      3,
    );
    const mail = await mailTo(customer.email, /Receipt/, 5_000);
    expect(mail.body).toContain('EUR 170.00');
    expect(mail.body).toContain(bookingId.slice(0, 8).toUpperCase());
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    const inbox = await users('GET', '/users/me/notifications', { token: customer.accessToken });
    expect(inbox.body.items).toEqual([expect.objectContaining({ kind: 'payment_receipt', data: expect.objectContaining({ bookingId }) })]);
    await until(() => applied('users', 'users.notifications', receipt.id), 2_000);
    expect(mailsTo(customer.email)).toHaveLength(1);

    // With refund emails switched off there is a notification but no email.
    const prefs = await users('GET', '/users/me/preferences', { token: customer.accessToken });
    await users('PUT', '/users/me/preferences', {
      token: customer.accessToken,
      body: { ...prefs.body, emailNotifications: { ...prefs.body.emailNotifications, refund: false } },
    });
    const refund = await deliver(paymentRefundedV1, {
      paymentId: randomUUID(),
      bookingId,
      customerId: customer.id,
      refundId: randomUUID(),
      amountMinor: 17_000,
      refundedTotalMinor: 17_000,
      currency: 'EUR',
      status: 'REFUNDED',
      reason: null,
    });
    await until(() => applied('users', 'users.notifications', refund.id), 5_000);
    expect((await users('GET', '/users/me/notifications', { token: customer.accessToken })).body.items).toHaveLength(2);
    expect(mailsTo(customer.email)).toHaveLength(1);
    const cancelled = await deliver(bookingCancelledV1, {
      bookingId,
      customerId: customer.id,
      eventId: randomUUID(),
      seats: [
        { seatId: randomUUID(), label: 'Orchestra A-12' },
        { seatId: randomUUID(), label: 'Orchestra A-13' },
      ],
      amountMinor: 17_000,
      currency: 'EUR',
      reason: 'changed mind',
      refundedMinor: 17_000,
    });
    const cancellation = await mailTo(customer.email, /cancelled/, 5_000);
    expect(cancellation.body).toContain('Orchestra A-12, Orchestra A-13');
    expect(await applied('users', 'users.notifications', cancelled.id)).toBe(true);
  });
});
