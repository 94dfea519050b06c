// RabbitMQ stopped for 30 seconds while customers keep booking: once it is back every fact reaches every subscriber,
// none is lost, and the outboxes drain.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingConfirmedV1 } from '../../contracts/bookings.ts';
import { paymentCapturedV1 } from '../../contracts/payments.ts';
import { checkInvariants } from '../../domain/invariants.ts';
import { eventOnSale, eventsCtx } from '../support/events.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { newCustomer } from '../support/users.ts';
import { until } from '../support/wait.ts';

const rabbitmqctl = (command: 'stop_app' | 'start_app') => execFileSync('rabbitmqctl', [command], { stdio: 'ignore', timeout: 60_000 });

describe('a RabbitMQ outage', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  });

  afterAll(async () => {
    rabbitmqctl('start_app');
    await platform?.stop();
  });

  it('loses no fact: bookings go on, and after the broker returns every subscriber gets every fact', async () => {
    const event = await eventOnSale(eventsCtx(platform.orms.events));
    const customer = await newCustomer(platform.api, 'outage');
    const stoppedAt = Date.now();
    rabbitmqctl('stop_app');
    const bookingIds: string[] = [];
    try {
      for (const seat of event.seatIds.slice(0, 3)) {
        const held = await platform.api('POST', '/bookings', {
          token: customer.accessToken,
          body: { eventId: event.eventId, seats: [seat] },
        });
        expect(held.status, JSON.stringify(held.body)).toBe(201);
        const paid = await platform.api('POST', `/bookings/${held.body.id}/pay`, {
          token: customer.accessToken,
          body: { paymentMethod: 'pm_card_visa' },
        });
        expect(paid.body.status).toBe('CONFIRMED');
        bookingIds.push(held.body.id);
      }
      // The facts wait in the outboxes meanwhile.
      const waiting = await platform.orms.bookings.em
        .fork()
        .execute<{ n: string }[]>('select count(*) as n from outbox_message where sent_at is null');
      expect(Number(waiting[0]!.n)).toBeGreaterThanOrEqual(3);
      await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
    } finally {
      rabbitmqctl('start_app');
    }

    const facts = async (orm: TestPlatform['orms']['bookings'], routingKey: string) =>
      orm.em
        .fork()
        .execute<{ id: string }[]>(`select id from outbox_message where routing_key = ? and payload->'data'->>'bookingId' in (?)`, [
          routingKey,
          bookingIds,
        ]);
    const confirmed = await facts(platform.orms.bookings, bookingConfirmedV1.routingKey);
    const captured = await facts(platform.orms.payments, paymentCapturedV1.routingKey);
    expect(confirmed).toHaveLength(3);
    expect(captured).toHaveLength(3);

    const reached = async (orm: TestPlatform['orms']['bookings'], consumer: string, ids: { id: string }[]) =>
      Number(
        (
          await orm.em
            .fork()
            .execute<{ n: string }[]>('select count(*) as n from inbox_message where consumer = ? and message_id in (?)', [
              consumer,
              ids.map((r) => r.id),
            ])
        )[0]!.n,
      ) === ids.length;
    await until(
      async () =>
        (await reached(platform.orms.events, 'events.sales', confirmed)) &&
        (await reached(platform.orms.bookings, 'bookings.payment-status', captured)),
      60_000,
      500,
    );
    const backlog = async (orm: TestPlatform['orms']['bookings']) =>
      Number((await orm.em.fork().execute<{ n: string }[]>('select count(*) as n from outbox_message where sent_at is null'))[0]!.n);
    await until(async () => (await backlog(platform.orms.bookings)) === 0 && (await backlog(platform.orms.payments)) === 0, 30_000, 500);

    const sales = await platform.orms.events.em
      .fork()
      .execute<{ sold_seats: number }[]>('select sold_seats from event_sales where event_id = ?', [event.eventId]);
    expect(sales[0]!.sold_seats).toBe(3);
    // Three confirmations and three receipts reach the customer's inbox.
    await until(
      async () => (await platform.api('GET', '/users/me/notifications', { token: customer.accessToken })).body.items.length === 6,
      30_000,
      500,
    );
    expect(await checkInvariants(platform.orms, { eventIds: [event.eventId], terminal: true })).toEqual([]);
  });
});
