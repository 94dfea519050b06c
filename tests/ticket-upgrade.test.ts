// A platform that sold tickets before tickets existed, upgraded: its confirmed bookings get one valid ticket per seat,
// every existing account is announced as user.updated (so the bookings service knows holders and transfer receivers),
// and every published event is announced again with its end, address and time zone. Each database is migrated to the
// last migration before tickets, given the rows an older platform would have, then migrated to the end.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '../common/config.ts';
import { databaseName, ensureDatabase, openServiceOrm, withMaintenanceClient, type Orm } from '../common/db/orm.ts';
import { parseEnvelope } from '../contracts/envelope.ts';
import { eventUpdatedV1 } from '../contracts/events.ts';
import { userUpdatedV1 } from '../contracts/users.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig } from './support/context.ts';

/** The last migration of each database before tickets came. */
const BEFORE_TICKETS: Partial<Record<ServiceName, string>> = {
  bookings: 'Migration20261125070000_idempotency',
  users: 'Migration20261125070000_idempotency',
  events: 'Migration20261201000000_cancellation_policy',
};

describe('upgrading to tickets', () => {
  const opened: { orm: Orm; url: string }[] = [];

  afterAll(async () => {
    for (const { orm, url } of opened) {
      await orm.close(true);
      await withMaintenanceClient(url, (client) => client.query(`drop database if exists "${databaseName(url)}" with (force)`));
    }
  });

  /** A fresh database of the service, migrated up to just before tickets. */
  async function olderDatabase(service: 'bookings' | 'users' | 'events'): Promise<Orm> {
    const url = new URL(testConfig().services[service].databaseUrl);
    url.pathname = `${url.pathname}_upgrade_${randomBytes(4).toString('hex')}`;
    const key = `${service.toUpperCase()}_DATABASE_URL`;
    await ensureDatabase(url.toString());
    const orm = await openServiceOrm(ormSettings(service, testConfig({ [key]: url.toString() })), { migrate: false });
    opened.push({ orm, url: url.toString() });
    await orm.migrator.up({ to: BEFORE_TICKETS[service]! });
    return orm;
  }

  const sql = <T = unknown>(orm: Orm, query: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(query, params);

  it('issues a valid ticket for every seat of every confirmed booking, and none for the rest', async () => {
    const orm = await olderDatabase('bookings');
    const eventId = randomUUID();
    const seat = (label: string) => ({ seatId: randomUUID(), label, section: 'Stalls', priceMinor: 1_000, currency: 'EUR' });
    const confirmed = { id: randomUUID(), seats: [seat('Stalls A-1'), seat('Stalls A-2')] };
    const expired = { id: randomUUID(), seats: [seat('Stalls A-3')] };
    for (const [booking, status] of [
      [confirmed, 'CONFIRMED'],
      [expired, 'EXPIRED'],
    ] as const) {
      await sql(
        orm,
        `insert into booking (id, customer_id, event_id, status, selection, seats, workflow_id, created_at) values (?, ?, ?, ?, '{}', ?, ?, now())`,
        [booking.id, randomUUID(), eventId, status, JSON.stringify(booking.seats), `booking-${booking.id}`],
      );
    }

    await orm.migrator.up();

    const tickets = await sql<{ booking_id: string; seat_label: string; section: string; status: string; generation: number }>(
      orm,
      'select booking_id, seat_label, section, status, generation from ticket order by seat_label',
    );
    expect(tickets).toEqual([
      { booking_id: confirmed.id, seat_label: 'Stalls A-1', section: 'Stalls', status: 'valid', generation: 1 },
      { booking_id: confirmed.id, seat_label: 'Stalls A-2', section: 'Stalls', status: 'valid', generation: 1 },
    ]);
  });

  it('announces every existing account as user.updated, in facts its contract accepts', async () => {
    const orm = await olderDatabase('users');
    const accounts = [
      { id: randomUUID(), email: `old-${randomUUID()}@example.com`, name: 'Ada Lovelace', role: 'user' },
      { id: randomUUID(), email: `old-${randomUUID()}@example.com`, name: 'Grace Hopper', role: 'admin' },
    ];
    for (const a of accounts) {
      await sql(orm, `insert into user_account (id, email, password_hash, name, role) values (?, ?, 'x', ?, ?)`, [
        a.id,
        a.email,
        a.name,
        a.role,
      ]);
    }

    await orm.migrator.up();

    const rows = await sql<{ routing_key: string; payload: unknown }>(
      orm,
      `select routing_key, payload from outbox_message where type = 'user.updated'`,
    );
    expect(rows.map((r) => r.routing_key)).toEqual([userUpdatedV1.routingKey, userUpdatedV1.routingKey]);
    const announced = rows.map((r) => parseEnvelope(userUpdatedV1, r.payload).data);
    expect(announced.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      accounts.map((a) => ({ userId: a.id, email: a.email, name: a.name, role: a.role })),
    );
  });

  it('announces every published event again with its end, venue address and time zone, and no draft', async () => {
    const orm = await olderDatabase('events');
    const venueId = randomUUID();
    await sql(orm, `insert into venue (id, name, city, address) values (?, 'Old Hall', 'Lyon', '1 Quai Saint-Antoine')`, [venueId]);
    const published = randomUUID();
    const alsoPublished = randomUUID();
    const draft = randomUUID();
    for (const [id, status] of [
      [published, 'published'],
      [alsoPublished, 'published'],
      [draft, 'draft'],
    ]) {
      await sql(
        orm,
        `insert into event (id, venue_id, title, status, starts_at, ends_at) values (?, ?, 'Old show', ?, '2027-05-01T19:00:00Z', '2027-05-03T23:00:00Z')`,
        [id, venueId, status],
      );
    }

    await orm.migrator.up();

    const rows = await sql<{ payload: unknown }>(orm, `select payload from outbox_message where type = 'event.updated'`);
    const announced = rows.map((r) => parseEnvelope(eventUpdatedV1, r.payload).data);
    expect(announced.map((e) => e.eventId).sort()).toEqual([published, alsoPublished].sort());
    expect(announced.find((e) => e.eventId === published)).toEqual({
      eventId: published,
      title: 'Old show',
      venueId,
      venueName: 'Old Hall',
      venueAddress: '1 Quai Saint-Antoine',
      timeZone: 'UTC',
      startsAt: expect.stringMatching(/^2027-05-01T19:00:00/),
      endsAt: expect.stringMatching(/^2027-05-03T23:00:00/),
      status: 'published',
    });
  });
});
