// An event's sales through the gateway (GET /events/{id}/sales, admins): seats sold and held per section, revenue and
// refunds, bookings by status and confirmed sales per bucket, over booking rows written to the bookings database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../common/db/orm.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';

interface Row {
  status: string;
  seats: { section: string; priceMinor: number }[];
  confirmedAt?: Date;
  refundedMinor?: number;
}

describe('an event’s sales', () => {
  let platform: TestPlatform;
  let orm: Orm;
  let adminToken: string;
  const eventIds: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform();
    orm = platform.orms.bookings;
    adminToken = (await signIn(platform.api, ADMIN.email, ADMIN.password)).accessToken;
  }, 120_000);

  afterAll(async () => {
    if (orm && eventIds.length > 0) {
      const em = orm.em.fork();
      await em.execute('delete from booking_history where booking_id in (select id from booking where event_id in (?))', [eventIds]);
      await em.execute('delete from booking where event_id in (?)', [eventIds]);
      await em.execute('delete from event_catalog where event_id in (?)', [eventIds]);
    }
    await platform?.stop();
  });

  /** An event the catalog knows, with bookings as their sagas would have left them. */
  async function eventWithBookings(rows: Row[]): Promise<string> {
    const eventId = randomUUID();
    eventIds.push(eventId);
    const em = orm.em.fork();
    await em.execute(
      `insert into event_catalog (event_id, title, venue_name, starts_at, status, occurred_at) values (?, 'Sales test', 'Hall', now() + interval '30 days', 'published', now())`,
      [eventId],
    );
    for (const row of rows) await bookingRow(eventId, row);
    return eventId;
  }

  async function bookingRow(eventId: string, row: Row): Promise<void> {
    const id = randomUUID();
    const seats = row.seats.map((s, i) => ({ seatId: randomUUID(), label: `${s.section} A-${i + 1}`, currency: 'EUR', ...s }));
    const amount = seats.reduce((sum, s) => sum + s.priceMinor, 0);
    const em = orm.em.fork();
    await em.execute(
      `insert into booking (id, customer_id, event_id, status, selection, seats, amount_minor, currency, refunded_minor, workflow_id, created_at, updated_at)
       values (?, ?, ?, ?, '{}', ?::jsonb, ?, 'EUR', ?, ?, now(), now())`,
      [id, randomUUID(), eventId, row.status, JSON.stringify(seats), amount, row.refundedMinor ?? 0, `booking-${id}`],
    );
    if (row.confirmedAt)
      await em.execute(
        `insert into booking_history (booking_id, source, seq, from_status, to_status, at, actor, reason) values (?, 'booking', 1, 'PAYING', 'CONFIRMED', ?, 'system', 'test')`,
        [id, row.confirmedAt],
      );
  }

  const sales = (eventId: string, query = '', token = adminToken) => platform.api('GET', `/events/${eventId}/sales${query}`, { token });

  it('counts seats sold and held per section, revenue, refunds and bookings by status, and sales per hour', async () => {
    const day = new Date('2027-03-01T00:00:00Z').getTime();
    const at = (h: number, m: number) => new Date(day + h * 3_600_000 + m * 60_000);
    const eventId = await eventWithBookings([
      {
        status: 'CONFIRMED',
        seats: [
          { section: 'Stalls', priceMinor: 5_000 },
          { section: 'Stalls', priceMinor: 5_000 },
        ],
        confirmedAt: at(9, 10),
      },
      { status: 'CONFIRMED', seats: [{ section: 'Balcony', priceMinor: 3_000 }], confirmedAt: at(9, 50) },
      { status: 'REFUNDED', seats: [{ section: 'Stalls', priceMinor: 5_000 }], confirmedAt: at(11, 5), refundedMinor: 5_000 },
      {
        status: 'HELD',
        seats: [
          { section: 'Balcony', priceMinor: 3_000 },
          { section: 'Balcony', priceMinor: 3_000 },
        ],
      },
      { status: 'PAYING', seats: [{ section: 'Stalls', priceMinor: 5_000 }] },
      { status: 'EXPIRED', seats: [{ section: 'Stalls', priceMinor: 5_000 }] },
    ]);

    const res = await sales(eventId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      eventId,
      currency: 'EUR',
      sections: [
        { section: 'Balcony', sold: 1, held: 2 },
        { section: 'Stalls', sold: 2, held: 1 },
      ],
      grossMinor: 18_000,
      refundedMinor: 5_000,
      bookings: { CONFIRMED: 2, REFUNDED: 1, HELD: 1, PAYING: 1, EXPIRED: 1, CANCELLED: 0, PENDING: 0, FAILED: 0 },
      bucket: '1h',
      series: [
        { start: at(9, 0).toISOString(), seats: 3, revenueMinor: 13_000 },
        { start: at(11, 0).toISOString(), seats: 1, revenueMinor: 5_000 },
      ],
    });
    expect(res.body.workflowUiUrl).toMatch(/\/namespaces\/[^/]+\/workflows\/$/);

    const daily = await sales(eventId, '?bucket=1d');
    expect(daily.body.series).toEqual([{ start: at(0, 0).toISOString(), seats: 4, revenueMinor: 18_000 }]);
    const quarters = await sales(eventId, '?bucket=15m');
    expect((quarters.body.series as { start: string }[]).map((p) => p.start)).toEqual(
      [at(9, 0), at(9, 45), at(11, 0)].map((d) => d.toISOString()),
    );
  });

  it('answers an event without bookings with zeros', async () => {
    const eventId = await eventWithBookings([]);
    const res = await sales(eventId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ currency: null, sections: [], grossMinor: 0, refundedMinor: 0, series: [] });
  });

  it('is for admins only, refuses a bad bucket and id, and does not know an unknown event', async () => {
    const eventId = await eventWithBookings([]);
    const customer = await newCustomer(platform.api, 'sales');
    const forbidden = await sales(eventId, '', customer.accessToken);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    expect((await platform.api('GET', `/events/${eventId}/sales`)).status).toBe(401);

    const badBucket = await sales(eventId, '?bucket=7m');
    expect(badBucket.status).toBe(422);
    expect(badBucket.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'bucket' }] });
    const badId = await sales('not-an-id');
    expect(badId.status).toBe(422);
    expect(badId.body.code).toBe('VALIDATION_FAILED');

    const unknown = await sales(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('EVENT_NOT_FOUND');
  });
});
