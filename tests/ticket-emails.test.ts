// The emails of tickets on the real platform (gateway, services, Temporal, PostgreSQL, RabbitMQ, the run's SMTP sink):
// a confirmed booking's email names the event, its time in the venue's time zone, the venue and every seat, and
// carries the tickets' PDF; a transfer tells both sides. And the events service's side: venues' time zones (an unknown
// one refused), and the door count an admin sees from check-in facts.
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../common/auth/verify.ts';
import { freePort } from '../common/infra/ports.ts';
import { buildEnvelope } from '../contracts/envelope.ts';
import { ticketCheckedInV1 } from '../contracts/tickets.ts';
import { acceptTransfer, offerTransfer } from '../domain/bookings/transfers.ts';
import { createEvent, publishEvent, setPriceTiers } from '../domain/events/events.ts';
import { checkInvariants } from '../domain/invariants.ts';
import { testConfig } from './support/context.ts';
import { eventsCtx } from './support/events.ts';
import { mailTo, mailsTo, type ReceivedMail } from './support/mail.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { pdfPages } from './support/ticket-pdf.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';
import { until } from './support/wait.ts';

/** The attachments of a mail as the sink stored it: each part's type, file name and decoded bytes. */
function attachmentsOf(mail: ReceivedMail): { contentType: string; filename: string; content: Buffer }[] {
  const boundaries = [...mail.raw.matchAll(/boundary="?([^";\r\n]+)"?/g)].map((m) => m[1]!);
  const parts = boundaries.flatMap((b) => mail.raw.split(`--${b}`));
  return parts.flatMap((part) => {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    if (!head || !/Content-Disposition: attachment/i.test(head)) return [];
    const contentType = /Content-Type: ([^;\r\n]+)/i.exec(head)?.[1] ?? '';
    const filename = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1] ?? '';
    return [{ contentType, filename, content: Buffer.from(rest.join('\n\n').replace(/\s+/g, ''), 'base64') }];
  });
}

describe('ticket emails', () => {
  let platform: TestPlatform;
  let adminToken: string;
  const events: string[] = [];

  beforeAll(async () => {
    // The users service fetches the tickets' PDF from the bookings service, which starts after it: its port is chosen first.
    const bookingsPort = String(await freePort());
    platform = await startTestPlatform(
      { BOOKING_HOLD_TTL_SECONDS: '60' },
      { users: { BOOKINGS_URLS: `http://127.0.0.1:${bookingsPort}` }, bookings: { BOOKINGS_PORT: bookingsPort } },
    );
    adminToken = (await signIn(platform.api, ADMIN.email, ADMIN.password)).accessToken;
  }, 120_000);

  afterAll(async () => {
    if (platform) expect(await checkInvariants(platform.orms, { eventIds: events, terminal: true })).toEqual([]);
    await platform?.stop();
  });

  const catalogZone = async (eventId: string) =>
    (
      await platform.orms.bookings.em
        .fork()
        .execute<{ time_zone: string | null }[]>('select time_zone from event_catalog where event_id = ?', [eventId])
    )[0]?.time_zone;

  /** A venue made through the API in `timeZone`, and an event there on sale now, starting at `startsAt`. */
  async function eventAt(timeZone: string, startsAt: string) {
    const venue = await platform.api('POST', '/venues', {
      token: adminToken,
      body: {
        name: `Lakeside Hall ${randomUUID().slice(0, 6)}`,
        address: '1 Harbour Road, Springfield',
        timeZone,
        sections: [{ name: 'Stalls', rows: [{ label: 'A', seats: 4 }] }],
      },
    });
    expect(venue.status, JSON.stringify(venue.body)).toBe(201);
    const ctx = eventsCtx(platform.orms.events);
    const title = `Lakeside Quartet ${randomUUID().slice(0, 6)}`;
    const event = await createEvent(ctx, { venueId: venue.body.id, title, startsAt: new Date(startsAt) });
    const section = venue.body.sections[0];
    await setPriceTiers(ctx, event.id, 'EUR', [{ sectionId: section.id, name: 'Stalls', priceMinor: 2_500 }]);
    await publishEvent(ctx, event.id);
    events.push(event.id);
    return { eventId: event.id, title, venue: venue.body, seatIds: section.seats.map((s: { seatId: string }) => s.seatId) as string[] };
  }

  async function bookAndPay(token: string, eventId: string, seats: string[]) {
    const held = await platform.api('POST', '/bookings', { token, body: { eventId, seats } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const paid = await platform.api('POST', `/bookings/${held.body.id}/pay`, {
      token,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
    return held.body.id as string;
  }

  it('refuses an unknown time zone, and shows the venue’s zone on the venue and its events', async () => {
    const bad = await platform.api('POST', '/venues', {
      token: adminToken,
      body: { name: 'Nowhere', timeZone: 'Mars/Olympus_Mons', sections: [{ name: 'Floor', rows: [{ label: 'A', seats: 1 }] }] },
    });
    expect(bad.status, JSON.stringify(bad.body)).toBe(422);
    expect(bad.body).toMatchObject({ code: 'VENUE_TIME_ZONE_INVALID', errors: [{ field: 'timeZone' }] });
    const offset = await platform.api('POST', '/venues', {
      token: adminToken,
      body: { name: 'Offset', timeZone: '+01:00', sections: [{ name: 'Floor', rows: [{ label: 'A', seats: 1 }] }] },
    });
    expect(offset.body.code).toBe('VENUE_TIME_ZONE_INVALID');

    const plain = await platform.api('POST', '/venues', {
      token: adminToken,
      body: { name: 'Plain', sections: [{ name: 'Floor', rows: [{ label: 'A', seats: 1 }] }] },
    });
    expect(plain.body.timeZone).toBe('UTC');

    const { eventId, venue } = await eventAt('Europe/Berlin', '2027-06-01T18:00:00Z');
    expect(venue.timeZone).toBe('Europe/Berlin');
    expect((await platform.api('GET', `/events/${eventId}`)).body).toMatchObject({ timeZone: 'Europe/Berlin' });
    expect((await platform.api('GET', `/events/${eventId}`)).body.checkedIn).toBeUndefined();
    await until(async () => (await catalogZone(eventId)) === 'Europe/Berlin', 10_000, 100);

    // A change of zone reaches the venue, its events' views and (through event.updated) the bookings catalog.
    const refused = await platform.api('PATCH', `/venues/${venue.id}`, { token: adminToken, body: { timeZone: 'Europe/Atlantis' } });
    expect(refused.status).toBe(422);
    const changed = await platform.api('PATCH', `/venues/${venue.id}`, { token: adminToken, body: { timeZone: 'Asia/Tokyo' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ timeZone: 'Asia/Tokyo', address: '1 Harbour Road, Springfield', seatCount: 4 });
    await until(async () => (await catalogZone(eventId)) === 'Asia/Tokyo', 10_000, 100);
    const customer = await newCustomer(platform.api, 'tz');
    expect((await platform.api('PATCH', `/venues/${venue.id}`, { token: customer.accessToken, body: { name: 'Mine' } })).status).toBe(403);
  });

  it('emails the confirmation with the tickets: event, local time with its zone, venue, every seat, and the PDF', async () => {
    // 00:30 UTC on 6 March is the evening before in New York (EST, UTC-5).
    const event = await eventAt('America/New_York', '2027-03-06T00:30:00Z');
    await until(async () => (await catalogZone(event.eventId)) === 'America/New_York', 10_000, 100);
    const customer = await newCustomer(platform.api, 'tickets-mail');
    const bookingId = await bookAndPay(customer.accessToken, event.eventId, event.seatIds.slice(0, 2));

    const mail = await mailTo(customer.email, /confirmed/, 30_000);
    expect(mail.subject).toContain(bookingId.slice(0, 8).toUpperCase());
    const body = mail.body.replace(/\s+/g, ' ');
    expect(body).toContain(event.title);
    expect(body).toMatch(/Friday,? 5 March 2027 at 19:30 (EST|GMT-5) \(America\/New_York\)/);
    expect(body).toContain(event.venue.name);
    expect(body).toContain('1 Harbour Road, Springfield');
    expect(body).toContain('A-1');
    expect(body).toContain('A-2');

    const [pdf, ...others] = attachmentsOf(mail);
    expect(others).toEqual([]);
    expect(pdf).toMatchObject({ contentType: 'application/pdf', filename: `eventix-${bookingId.slice(0, 8).toUpperCase()}.pdf` });
    const pages = await pdfPages(pdf!.content);
    expect(pages).toHaveLength(2);
    for (const page of pages) {
      expect(page.text).toContain(event.title);
      expect(page.qr).toEqual(expect.any(String));
    }

    // Its inbox entry links to the PDF; the confirmation is sent once (booking.confirmed sends nothing of its own).
    const inbox = (await platform.api('GET', '/users/me/notifications', { token: customer.accessToken })).body.items as {
      kind: string;
      data: Record<string, unknown>;
    }[];
    expect(inbox.filter((n) => n.kind === 'booking_confirmed')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ bookingId, link: `/api/v1/bookings/${bookingId}/tickets.pdf` }) }),
    ]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mailsTo(customer.email).filter((m) => /confirmed/.test(m.subject))).toHaveLength(1);
  }, 60_000);

  it('tells the sender and the receiver of a transfer, each by notification and email', async () => {
    const event = await eventAt('Europe/Paris', '2027-09-10T18:00:00Z');
    const alice = await newCustomer(platform.api, 'sender');
    const bob = await newCustomer(platform.api, 'receiver');
    const bookingId = await bookAndPay(alice.accessToken, event.eventId, [event.seatIds[0]!]);
    const em = () => platform.orms.bookings.em.fork();
    let ticketId: string | undefined;
    await until(
      async () => {
        ticketId = (await em().execute<{ id: string }[]>('select id from ticket where booking_id = ?', [bookingId]))[0]?.id;
        const known = await em().execute('select 1 from customer where user_id = ?', [bob.id]);
        // The transfer fact names the event as the bookings service's catalog knows it, a projection of event facts.
        const listed = (await catalogZone(event.eventId)) === 'Europe/Paris';
        return ticketId !== undefined && known.length > 0 && listed;
      },
      15_000,
      100,
    );
    const as = (id: string) => ({ userId: id, role: 'user', sessionId: randomUUID() }) as Principal;
    const offered = await offerTransfer(em(), as(alice.id), ticketId!, bob.email);
    await acceptTransfer(em(), as(bob.id), offered.id);

    const received = await mailTo(bob.email, /sent you a ticket/, 20_000);
    expect(received.body.replace(/\s+/g, ' ')).toContain(event.title);
    expect(received.subject).toContain('Test sender');
    const sent = await mailTo(alice.email, /was sent to/, 20_000);
    expect(sent.subject).toContain('Test receiver');
    for (const who of [alice, bob]) {
      const inbox = (await platform.api('GET', '/users/me/notifications', { token: who.accessToken })).body.items as { kind: string }[];
      expect(inbox.filter((n) => n.kind === 'ticket_transferred')).toHaveLength(1);
    }
  }, 60_000);

  it('counts tickets inside per event from check-in facts, once per fact, for admins only', async () => {
    const { eventId } = await eventAt('UTC', '2027-05-01T18:00:00Z');
    const config = testConfig();
    const connection = await amqp.connect(config.rabbitmq.url);
    try {
      const channel = await connection.createConfirmChannel();
      const scan = (direction: 'in' | 'out') =>
        buildEnvelope(
          ticketCheckedInV1,
          { ticketId: randomUUID(), eventId, gate: 'North', direction, scannedAt: new Date().toISOString() },
          'test',
        );
      const publish = (envelope: ReturnType<typeof scan>, times = 1) => {
        for (let i = 0; i < times; i++) {
          channel.publish(config.rabbitmq.exchange, ticketCheckedInV1.routingKey, Buffer.from(JSON.stringify(envelope)), {
            persistent: true,
            messageId: envelope.id,
          });
        }
      };
      const checkedIn = async () =>
        (await platform.api('GET', `/events/${eventId}`, { token: adminToken })).body.checkedIn as number | undefined;
      expect(await checkedIn()).toBe(0);
      // Three admissions (one delivered three times) and an exit: two inside.
      publish(scan('in'), 3);
      publish(scan('in'));
      publish(scan('in'));
      publish(scan('out'), 2);
      await channel.waitForConfirms();
      await until(async () => (await checkedIn()) === 2, 10_000, 100);
      await new Promise((r) => setTimeout(r, 500));
      expect(await checkedIn()).toBe(2);
    } finally {
      await connection.close();
    }
    const customer = await newCustomer(platform.api, 'door');
    expect((await platform.api('GET', `/events/${eventId}`, { token: customer.accessToken })).body.checkedIn).toBeUndefined();
  });
});
