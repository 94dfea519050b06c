// Tickets on the real platform (gateway, services, Temporal, PostgreSQL, RabbitMQ): issued by the saga's confirmation
// in the same transaction, one per seat, with barcodes the door accepts; voided by a cancellation; shown only to their
// customer; printed as a PDF whose QR codes are the print codes; renamed by their holder. And the live-seat index: no
// seat is on two live tickets.
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_PROOF_HEADER } from '../common/http/client-address.ts';
import { gatewaySecret } from '../common/secrets.ts';
import { checkScan } from '../domain/bookings/ticket-codes.ts';
import { verifyingKeys } from '../domain/bookings/ticket-keys.ts';
import { recordTransition, type Transition } from '../domain/bookings/bookings.ts';
import { RESOLD_REASON, renameHolder } from '../domain/bookings/tickets.ts';
import { checkInvariants } from '../domain/invariants.ts';
import { testConfig } from './support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import type { Caller } from './support/http.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { pdfPages } from './support/ticket-pdf.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';
import { until } from './support/wait.ts';

const ENV = { BOOKING_HOLD_TTL_SECONDS: '120' };

interface TicketBody {
  id: string;
  bookingId: string;
  eventId: string;
  seatLabel: string;
  holderName: string;
  status: string;
  generation: number;
  voidReason: string | null;
  printCode: string | null;
  rotating: { secret: string; periodSeconds: number; currentCode: string } | null;
  event: { title: string | null; venueName: string | null };
}

describe('tickets', () => {
  let platform: TestPlatform;
  let api: Caller;
  const events: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform(ENV);
    api = platform.api;
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  afterEach(async () => {
    expect(await checkInvariants(platform.orms, { eventIds: events.splice(0), terminal: true })).toEqual([]);
  });

  async function onSale(priceMinor = 4_000): Promise<TestEvent> {
    const event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'A', seats: 6 }] }], [priceMinor]);
    events.push(event.eventId);
    // The bookings service prints what its catalog knows of the event: wait for event.published to reach it.
    const known = async () => (await bookings().execute('select 1 from event_catalog where event_id = ?', [event.eventId])).length > 0;
    await until(known, 15_000, 100);
    return event;
  }

  const bookings = () => platform.orms.bookings.em.fork();

  /** A new customer, once the bookings service has their name from user.registered (it prints it on the tickets). */
  async function customer(tag: string) {
    const c = await newCustomer(api, tag);
    await until(async () => (await bookings().execute('select 1 from customer where user_id = ?', [c.id])).length > 0, 15_000, 100);
    return c;
  }

  /** Holds the seats and pays (the free gateway for a free event) until the booking is CONFIRMED in its record. */
  async function confirmed(token: string, event: TestEvent, seats: string[], free = false): Promise<string> {
    const held = await api('POST', '/bookings', { token, body: { eventId: event.eventId, seats } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const body = free ? { gateway: 'free' } : { gateway: 'test', paymentMethod: 'pm_card_visa' };
    const paid = await api('POST', `/bookings/${held.body.id}/pay`, { token, body });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
    await until(async () => (await api('GET', `/bookings/${held.body.id}`, { token })).body.status === 'CONFIRMED', 15_000, 100);
    return held.body.id as string;
  }

  const ticketsOf = async (token: string, bookingId: string) => {
    const res = await api('GET', `/bookings/${bookingId}/tickets`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as TicketBody[];
  };

  /** What a door of the event says of a code now. */
  const scan = async (code: string, eventId: string) => checkScan(code, eventId, await verifyingKeys(bookings(), eventId), new Date());

  const pdf = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(path, { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('issues one valid ticket per seat of a paid booking, with codes the door accepts, and voids them when it is cancelled', async () => {
    const event = await onSale();
    const buyer = await customer('tickets');
    const bookingId = await confirmed(buyer.accessToken, event, event.seatIds.slice(0, 3));

    const tickets = await ticketsOf(buyer.accessToken, bookingId);
    expect(tickets.map((t) => [t.seatLabel, t.status, t.generation, t.holderName])).toEqual([
      ['Hall A-1', 'valid', 1, 'Test tickets'],
      ['Hall A-2', 'valid', 1, 'Test tickets'],
      ['Hall A-3', 'valid', 1, 'Test tickets'],
    ]);
    for (const ticket of tickets) {
      expect(ticket.printCode).toEqual(expect.any(String));
      const printed = await scan(ticket.printCode!, event.eventId);
      expect(printed).toMatchObject({
        ok: true,
        kind: 'print',
        claims: { ticketId: ticket.id, seatLabel: ticket.seatLabel, generation: 1 },
      });
      expect(await scan(ticket.rotating!.currentCode, event.eventId)).toMatchObject({ ok: true, kind: 'rotating' });
      expect(ticket.rotating!.periodSeconds).toBe(15);
      // Another event's door refuses it.
      expect(await scan(ticket.printCode!, randomUUID())).toMatchObject({ ok: false });
    }
    // One ticket.issued fact for the booking, naming every ticket, in the outbox with the confirmation.
    const facts = await bookings().execute<{ payload: { data: { tickets: { ticketId: string }[]; event: { title: string | null } } } }[]>(
      `select payload from outbox_message where routing_key = 'ticket.issued.v1' and payload->'data'->>'bookingId' = ?`,
      [bookingId],
    );
    expect(facts).toHaveLength(1);
    expect(facts[0]!.payload.data.event.title).toBe(tickets[0]!.event.title);
    expect(facts[0]!.payload.data.tickets.map((t) => t.ticketId).sort()).toEqual(tickets.map((t) => t.id).sort());

    // The customer's own list and one ticket agree; another customer sees none of it.
    const mine = await api('GET', '/tickets', { token: buyer.accessToken });
    expect(mine.status).toBe(200);
    expect((mine.body.items as TicketBody[]).map((t) => t.id).sort()).toEqual(tickets.map((t) => t.id).sort());
    const one = await api('GET', `/tickets/${tickets[0]!.id}`, { token: buyer.accessToken });
    expect(one.body).toMatchObject({ id: tickets[0]!.id, printCode: tickets[0]!.printCode });
    const stranger = await customer('stranger');
    expect((await api('GET', `/bookings/${bookingId}/tickets`, { token: stranger.accessToken })).status).toBe(404);
    expect((await api('GET', `/tickets/${tickets[0]!.id}`, { token: stranger.accessToken })).body.code).toBe('TICKET_NOT_FOUND');
    expect((await api('GET', '/tickets', { token: stranger.accessToken })).body.items).toEqual([]);

    // Cancelled after confirmation (refunded): every ticket void, with the reason, and no codes any more.
    const cancel = await api('POST', `/bookings/${bookingId}/cancel`, { token: buyer.accessToken, body: { reason: 'plans changed' } });
    expect([200, 202], JSON.stringify(cancel.body)).toContain(cancel.status);
    await until(async () => (await ticketsOf(buyer.accessToken, bookingId)).every((t) => t.status === 'void'), 30_000, 200);
    const voided = await ticketsOf(buyer.accessToken, bookingId);
    for (const t of voided) {
      expect(t.voidReason).toContain('plans changed');
      expect(t.printCode).toBeNull();
    }
    const voidFacts = await bookings().execute<{ payload: { data: { ticketIds: string[] } } }[]>(
      `select payload from outbox_message where routing_key = 'ticket.voided.v1' and payload->'data'->>'bookingId' = ?`,
      [bookingId],
    );
    expect(voidFacts.map((f) => f.payload.data.ticketIds.length)).toEqual([3]);
    const rename = await api('PATCH', `/tickets/${tickets[0]!.id}`, { token: buyer.accessToken, body: { holderName: 'Too late' } });
    expect([rename.status, rename.body.code]).toEqual([409, 'TICKET_NOT_VALID']);
    // The seats are on sale again, and a new buyer's tickets for them are live beside the void ones.
    const next = await customer('next');
    const again = await confirmed(next.accessToken, event, [event.seatIds[0]!]);
    expect((await ticketsOf(next.accessToken, again)).map((t) => [t.seatLabel, t.status])).toEqual([['Hall A-1', 'valid']]);
  });

  it('issues tickets of a free booking too, prints them as a PDF whose QR codes are the print codes, and renames a holder', async () => {
    const event = await onSale(0);
    const buyer = await customer('free-tickets');
    const stranger = await customer('pdf-stranger');
    const bookingId = await confirmed(buyer.accessToken, event, event.seatIds.slice(0, 3), true);
    const tickets = await ticketsOf(buyer.accessToken, bookingId);
    expect(tickets.map((t) => t.status)).toEqual(['valid', 'valid', 'valid']);

    const url = `${platform.gatewayUrl}/api/v1/bookings/${bookingId}/tickets.pdf`;
    const file = await pdf(url, { authorization: `Bearer ${buyer.accessToken}` });
    expect(file.status, file.body.toString('utf8', 0, 300)).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="eventix-${bookingId.slice(0, 8).toUpperCase()}.pdf"`);

    // Nobody else gets it; the internal route answers only platform processes, and then the customer's tickets.
    expect((await pdf(url, { authorization: `Bearer ${stranger.accessToken}` })).status).toBe(404);
    const internal = `http://127.0.0.1:${platform.services.bookings.port}/internal/bookings/${bookingId}/tickets.pdf`;
    expect((await pdf(internal, {})).status).toBe(403);
    expect((await pdf(internal, { [GATEWAY_PROOF_HEADER]: 'not the secret' })).status).toBe(403);
    const forEmail = await pdf(internal, { [GATEWAY_PROOF_HEADER]: await gatewaySecret(testConfig(ENV)) });
    expect(forEmail.status).toBe(200);

    // The holder renames a ticket; a bad name is refused and changes nothing; nobody else may rename it.
    const ticket = tickets[1]!;
    const renamed = await api('PATCH', `/tickets/${ticket.id}`, { token: buyer.accessToken, body: { holderName: '  Ada Lovelace ' } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ id: ticket.id, holderName: 'Ada Lovelace', printCode: ticket.printCode });
    for (const holderName of ['', '   ', 'Ada\nLovelace', 'x'.repeat(201)]) {
      const bad = await api('PATCH', `/tickets/${ticket.id}`, { token: buyer.accessToken, body: { holderName } });
      expect([bad.status, bad.body.code], holderName).toEqual([422, 'VALIDATION_FAILED']);
    }
    const other = await api('PATCH', `/tickets/${ticket.id}`, { token: stranger.accessToken, body: { holderName: 'Mallory' } });
    expect(other.status).toBe(404);
    expect((await api('GET', `/tickets/${ticket.id}`, { token: buyer.accessToken })).body.holderName).toBe('Ada Lovelace');
    expect((await ticketsOf(buyer.accessToken, bookingId)).map((t) => t.holderName)).toEqual([
      'Test free-tickets',
      'Ada Lovelace',
      'Test free-tickets',
    ]);

    // Read last: rendering the pages to find their QR codes holds this process (and the services in it) a while.
    const pages = await pdfPages(file.body);
    expect(pages.map((p) => p.qr)).toEqual(tickets.map((t) => t.printCode));
    for (const [i, page] of pages.entries()) expect(page.text).toContain(tickets[i]!.seatLabel);
    expect((await pdfPages(forEmail.body)).map((p) => p.qr)).toEqual(tickets.map((t) => t.printCode));
  });

  it('refuses a second live ticket for a seat of an event, and takes one once the first is void', async () => {
    const em = bookings();
    const [eventId, seatId, first, second] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const bookingId of [first, second]) {
      await em.execute(
        `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at) values (?, ?, ?, 'CONFIRMED', '{}', ?, now())`,
        [bookingId, randomUUID(), eventId, `booking-${bookingId}`],
      );
    }
    const issue = (bookingId: string) =>
      em.execute(
        `insert into ticket (id, booking_id, event_id, seat_id, seat_label, section, holder_user_id, holder_name, status, issued_at)
         values (?, ?, ?, ?, 'Hall A-1', 'Hall', ?, 'Test', 'valid', now())`,
        [randomUUID(), bookingId, eventId, seatId, randomUUID()],
      );
    await issue(first);
    await expect(issue(second)).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    await em.execute(`update ticket set status = 'void', voided_at = now() where booking_id = ?`, [first]);
    await issue(second);
    expect(await em.execute('select booking_id, status from ticket where event_id = ? order by status', [eventId])).toEqual([
      { booking_id: second, status: 'valid' },
      { booking_id: first, status: 'void' },
    ]);
  });

  it('refuses the customer’s cancel once a ticket of the booking was sent to someone else; an admin still cancels', async () => {
    const event = await onSale();
    const buyer = await customer('sender');
    const receiver = await customer('receiver');
    const bookingId = await confirmed(buyer.accessToken, event, event.seatIds.slice(0, 2));
    const [sent, kept] = await ticketsOf(buyer.accessToken, bookingId);
    const offered = await api('POST', `/tickets/${sent!.id}/transfers`, { token: buyer.accessToken, body: { email: receiver.email } });
    expect(offered.status, JSON.stringify(offered.body)).toBe(201);
    const accepted = await api('POST', `/tickets/transfers/${offered.body.id}/accept`, { token: receiver.accessToken });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const refused = await api('POST', `/bookings/${bookingId}/cancel`, { token: buyer.accessToken, body: { reason: 'take it back' } });
    expect([refused.status, refused.body.code], JSON.stringify(refused.body)).toEqual([409, 'TICKETS_TRANSFERRED']);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    // Nothing changed: the booking is confirmed and both tickets are live, the sent one the receiver's.
    expect((await api('GET', `/bookings/${bookingId}`, { token: buyer.accessToken })).body.status).toBe('CONFIRMED');
    const theirs = await api('GET', `/tickets/${sent!.id}`, { token: receiver.accessToken });
    expect([theirs.body.status, theirs.body.printCode]).toEqual(['valid', expect.any(String)]);
    expect((await api('GET', `/tickets/${kept!.id}`, { token: buyer.accessToken })).body.status).toBe('valid');

    // An admin may cancel it all the same (refunds by admins go on): every ticket void.
    const admin = await signIn(api, ADMIN.email, ADMIN.password);
    const cancelled = await api('POST', `/bookings/${bookingId}/cancel`, { token: admin.accessToken, body: { reason: 'by support' } });
    expect([200, 202], JSON.stringify(cancelled.body)).toContain(cancelled.status);
    await until(async () => (await ticketsOf(buyer.accessToken, bookingId)).every((t) => t.status === 'void'), 30_000, 200);
  });

  it('gives a seat sold again to the booking that just bought it: the old booking’s live ticket is voided, its offer closed', async () => {
    const orm = platform.orms.bookings;
    const [eventId, seatId, first, second, firstCustomer, secondCustomer] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const seat = { seatId, label: 'Hall A-1', section: 'Hall', priceMinor: 1_000, currency: 'EUR' };
    /** The confirmation of a booking of the seat, as the saga records it. */
    const confirm = (bookingId: string, customerId: string, at: string): Transition => ({
      bookingId,
      source: 'booking',
      seq: 1,
      customerId,
      eventId,
      workflowId: `booking-${bookingId}`,
      selection: { seats: [seatId] },
      createdAt: at,
      from: null,
      to: 'CONFIRMED',
      at,
      actor: `customer:${customerId}`,
      reason: 'paid',
      seats: [seat],
      amountMinor: 1_000,
      currency: 'EUR',
      paymentId: randomUUID(),
    });
    expect(await recordTransition(orm, confirm(first, firstCustomer, '2026-12-01T10:00:00.000Z'))).toBe(true);
    const [old] = await bookings().execute<{ id: string }[]>('select id from ticket where booking_id = ?', [first]);
    // The first customer has offered the ticket to someone; the offer is still open.
    await bookings().execute(
      `insert into ticket_transfer (id, ticket_id, from_user_id, to_user_id, to_email, status, created_at) values (?, ?, ?, ?, 'x@example.com', 'pending', now())`,
      [randomUUID(), old!.id, firstCustomer, randomUUID()],
    );

    // The seat went back on sale (the first booking's cancellation not recorded yet: still CONFIRMED) and was sold again.
    expect(await recordTransition(orm, confirm(second, secondCustomer, '2026-12-01T11:00:00.000Z'))).toBe(true);
    const tickets = await bookings().execute<{ booking_id: string; status: string; void_reason: string | null }[]>(
      'select booking_id, status, void_reason from ticket where event_id = ? order by issued_at',
      [eventId],
    );
    expect(tickets).toEqual([
      { booking_id: first, status: 'void', void_reason: RESOLD_REASON },
      { booking_id: second, status: 'valid', void_reason: null },
    ]);
    expect(await bookings().execute('select status from booking where id in (?) order by created_at', [[first, second]])).toEqual([
      { status: 'CONFIRMED' },
      { status: 'CONFIRMED' },
    ]);
    const voidFacts = await bookings().execute<{ payload: { data: Record<string, unknown> } }[]>(
      `select payload from outbox_message where routing_key = 'ticket.voided.v1' and payload->'data'->>'eventId' = ?`,
      [eventId],
    );
    expect(voidFacts.map((f) => f.payload.data)).toEqual([
      { bookingId: first, customerId: firstCustomer, eventId, ticketIds: [old!.id], reason: RESOLD_REASON },
    ]);
    const [offer] = await bookings().execute<{ status: string; decided_at: string | null }[]>(
      'select status, decided_at from ticket_transfer where ticket_id = ?',
      [old!.id],
    );
    expect([offer?.status, offer?.decided_at && new Date(offer.decided_at).toISOString()]).toEqual([
      'cancelled',
      '2026-12-01T11:00:00.000Z',
    ]);

    // The old booking's cancellation, recorded late, finds nothing left to void and leaves the new ticket alone.
    const late = await recordTransition(orm, {
      ...confirm(first, firstCustomer, '2026-12-01T12:00:00.000Z'),
      source: 'cancellation',
      from: 'CONFIRMED',
      to: 'REFUNDED',
      reason: 'cancelled by the customer',
    });
    expect(late).toBe(true);
    expect(await bookings().execute('select booking_id, status from ticket where event_id = ? and status <> ?', [eventId, 'void'])).toEqual(
      [{ booking_id: second, status: 'valid' }],
    );
  });

  it('locks the name on a ticket once its event has started', async () => {
    const em = bookings();
    const [eventId, bookingId, ticketId, holder] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await em.execute(
      `insert into event_catalog (event_id, title, venue_name, starts_at, status, occurred_at) values (?, 'Started', 'Hall', now() - interval '1 hour', 'published', now())`,
      [eventId],
    );
    await em.execute(
      `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at) values (?, ?, ?, 'CONFIRMED', '{}', ?, now())`,
      [bookingId, holder, eventId, `booking-${bookingId}`],
    );
    await em.execute(
      `insert into ticket (id, booking_id, event_id, seat_id, seat_label, section, holder_user_id, holder_name, status, issued_at)
       values (?, ?, ?, ?, 'Hall A-1', 'Hall', ?, 'First Name', 'valid', now() - interval '1 day')`,
      [ticketId, bookingId, eventId, randomUUID(), holder],
    );
    const viewer = { userId: holder, role: 'user' as const, sessionId: randomUUID(), expiresAt: new Date(Date.now() + 60_000) };
    await expect(renameHolder(bookings(), ticketId, viewer, 'Second Name')).rejects.toMatchObject({ code: 'TICKET_NAME_LOCKED' });
    expect(await em.execute('select holder_name from ticket where id = ?', [ticketId])).toEqual([{ holder_name: 'First Name' }]);
  });
});
