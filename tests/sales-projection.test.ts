// The events service's sales projection counts a booking's seats once, whatever order its confirmation and its
// cancellation arrive in, and when both are applied at the same moment (as after a broker outage, when the backlog of
// facts arrives together). Real PostgreSQL, the subscription's own handlers.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { buildEnvelope } from '../contracts/envelope.ts';
import { bookingCancelledV1, bookingConfirmedV1 } from '../contracts/bookings.ts';
import { salesSubscription } from '../domain/events/subscriptions.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig } from './support/context.ts';
import { until } from './support/wait.ts';

const [countSale, uncountSale] = salesSubscription().handlers as [
  ReturnType<typeof salesSubscription>['handlers'][number],
  ReturnType<typeof salesSubscription>['handlers'][number],
];

function facts(eventId: string) {
  const bookingId = randomUUID();
  const booking = {
    bookingId,
    customerId: randomUUID(),
    eventId,
    seats: [
      { seatId: randomUUID(), label: 'A-1' },
      { seatId: randomUUID(), label: 'A-2' },
    ],
    amountMinor: 10_000,
    currency: 'EUR',
  };
  return {
    confirmed: countSale.read(buildEnvelope(bookingConfirmedV1, { ...booking, reason: 'paid', paymentId: randomUUID() }, 'bookings')),
    cancelled: uncountSale.read(buildEnvelope(bookingCancelledV1, { ...booking, reason: 'cancelled', refundedMinor: 10_000 }, 'bookings')),
  };
}

describe('the sales projection', () => {
  let orm: Orm;
  const sold = async (eventId: string) => {
    const [row] = await orm.em
      .fork()
      .execute<{ sold_seats: number; revenue_minor: string }[]>('select sold_seats, revenue_minor from event_sales where event_id = ?', [
        eventId,
      ]);
    return row ? { seats: row.sold_seats, revenue: Number(row.revenue_minor) } : { seats: 0, revenue: 0 };
  };
  const apply = (fact: { apply(em: EntityManager): Promise<void> }) => orm.em.fork().transactional((tx) => fact.apply(tx));

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('events', testConfig()), { migrate: false });
  });
  afterAll(async () => orm?.close());

  it('counts a confirmed booking, and takes it off once when it is cancelled, even if the cancellation comes twice', async () => {
    const eventId = randomUUID();
    const { confirmed, cancelled } = facts(eventId);
    await apply(confirmed);
    expect(await sold(eventId)).toEqual({ seats: 2, revenue: 10_000 });
    await apply(cancelled);
    await apply(cancelled);
    expect(await sold(eventId)).toEqual({ seats: 0, revenue: 0 });
  });

  it('never counts a confirmation that arrives after its cancellation', async () => {
    const eventId = randomUUID();
    const { confirmed, cancelled } = facts(eventId);
    await apply(cancelled);
    await apply(confirmed);
    expect(await sold(eventId)).toEqual({ seats: 0, revenue: 0 });
  });

  it('counts nothing when the cancellation is applied while the confirmation is still being counted', async () => {
    const eventId = randomUUID();
    const { confirmed, cancelled } = facts(eventId);
    // The confirmation's transaction has counted the sale but not committed when the cancellation runs.
    let commit: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let counting: (pid: number) => void = () => undefined;
    const counted = new Promise<number>((resolve) => (counting = resolve));
    const confirming = orm.em.fork().transactional(async (tx) => {
      await confirmed.apply(tx);
      const [backend] = await tx.execute<{ pid: number }[]>('select pg_backend_pid() as pid');
      counting(backend!.pid);
      await held;
    });
    const confirmingPid = await counted;
    const cancelling = apply(cancelled);
    // Once the cancellation waits on the row the confirmation holds, let the confirmation commit.
    const waitingOnConfirmation = async () =>
      Number(
        (
          await orm.em
            .fork()
            .execute<{ n: string }[]>('select count(*) as n from pg_stat_activity where ? = any(pg_blocking_pids(pid))', [confirmingPid])
        )[0]!.n,
      ) > 0;
    try {
      await until(waitingOnConfirmation, 15_000);
    } finally {
      commit();
    }
    await Promise.all([confirming, cancelling]);
    expect(await sold(eventId)).toEqual({ seats: 0, revenue: 0 });
  });
});
