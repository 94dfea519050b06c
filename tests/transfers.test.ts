// Ticket transfers on a bookings app built with the transfer routes, over tickets, customers and catalog entries
// written straight into the bookings database: an accepted offer moves the ticket with a new generation (the sender's
// codes are older and the sender sees none), refusals carry stable codes and change nothing, one open offer per ticket,
// and no transfer within the event's cutoff.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTransferRoutes } from '../api/bookings/transfers.routes.ts';
import { loadSigningKeys, type SigningKeys } from '../common/auth/keys.ts';
import { localKeys, verifierFor, type Principal } from '../common/auth/verify.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { createServiceApp } from '../common/http/service-app.ts';
import { checkScan } from '../domain/bookings/ticket-codes.ts';
import { verifyingKeys } from '../domain/bookings/ticket-keys.ts';
import { ticketView, voidTickets } from '../domain/bookings/tickets.ts';
import { Booking } from '../entities/bookings/booking.entity.ts';
import { Ticket } from '../entities/bookings/ticket.entity.ts';
import { issueAccessToken } from '../domain/users/tokens.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig, testLogger } from './support/context.ts';
import { caller, type Answer, type Caller } from './support/http.ts';

const config = testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'eventix-transfers-')) });

interface Person {
  id: string;
  email: string;
  name: string;
  token: string;
  principal: Principal;
}

describe('ticket transfers', () => {
  let orm: Orm;
  let keys: SigningKeys;
  let call: Caller;
  let alice: Person;
  let bob: Person;
  let carol: Person;

  async function person(tag: string, role: 'user' | 'admin' = 'user'): Promise<Person> {
    const id = randomUUID();
    const sessionId = randomUUID();
    const email = `${tag}-${id}@Example.com`;
    const name = `${tag[0]!.toUpperCase()}${tag.slice(1)} Example`;
    // What the users service's facts leave in the bookings service's customer projection.
    await orm.em.fork().execute('insert into customer (user_id, email, name, occurred_at) values (?, ?, ?, now())', [id, email, name]);
    const token = await issueAccessToken(keys, config.auth, { userId: id, role, sessionId });
    return { id, email, name, token, principal: { userId: id, role, sessionId } as Principal };
  }

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
    keys = await loadSigningKeys(config);
    const verifier = verifierFor(config.auth, localKeys(keys.jwks));
    const app = createServiceApp({
      name: 'bookings',
      description: 'transfers test',
      logger: testLogger(),
      readiness: [],
      readyTimeoutMs: 1_000,
    });
    registerTransferRoutes(app, { orm, verifier, sessions: () => Promise.resolve() });
    call = caller(app);
    alice = await person('alice');
    bob = await person('bob');
    carol = await person('carol');
  });
  afterAll(async () => orm?.close());

  /** An event the catalog knows, starting in `startsInMinutes`, with a confirmed booking of `seats` tickets held by `holder`. */
  async function ticketsOf(holder: Person, seats = 1, startsInMinutes = 30 * 24 * 60) {
    const em = orm.em.fork();
    const eventId = randomUUID();
    const bookingId = randomUUID();
    await em.execute(
      `insert into event_catalog (event_id, title, venue_name, venue_address, time_zone, starts_at, status, occurred_at)
       values (?, 'Transfer Night', 'Hall', 'Main Street 1', 'Europe/Berlin', ?, 'published', now())`,
      [eventId, new Date(Date.now() + startsInMinutes * 60_000)],
    );
    await em.execute(
      `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at, updated_at)
       values (?, ?, ?, 'CONFIRMED', '{}', ?, now(), now())`,
      [bookingId, holder.id, eventId, `booking-${bookingId}`],
    );
    const ids = [];
    for (let i = 1; i <= seats; i++) {
      const id = randomUUID();
      await em.execute(
        `insert into ticket (id, booking_id, event_id, seat_id, seat_label, section, holder_user_id, holder_name, status, generation, issued_at)
         values (?, ?, ?, ?, ?, 'Stalls', ?, ?, 'valid', 1, now())`,
        [id, bookingId, eventId, randomUUID(), `A-${i}`, holder.id, holder.name],
      );
      ids.push(id);
    }
    return { eventId, bookingId, ticketIds: ids };
  }

  const ticketRow = (id: string) => orm.em.fork().findOneOrFail(Ticket, { id });
  const offer = (ticketId: string, email: string, by: Person) =>
    call('POST', `/tickets/${ticketId}/transfers`, { token: by.token, body: { email } });
  const step = (transferId: string, action: 'accept' | 'decline' | 'cancel', by: Person) =>
    call('POST', `/tickets/transfers/${transferId}/${action}`, { token: by.token });
  const transfersOf = (ticketId: string) =>
    orm.em.fork().execute<{ status: string }[]>('select status from ticket_transfer where ticket_id = ? order by created_at', [ticketId]);
  const refused = (answer: Answer, status: number, code: string) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.code).toBe(code);
  };
  /** The generation a code was signed for, as the door reads it (its signature checked against the event's keys). */
  const generationOf = async (code: string, eventId: string) => {
    const scan = await checkScan(code, eventId, await verifyingKeys(orm.em.fork(), eventId), new Date());
    if (!scan.ok) throw new Error(`${scan.code}: ${scan.message}`);
    return scan.claims.generation;
  };

  it('moves an accepted ticket to the receiver with a new generation: the sender’s code is older and the sender sees none', async () => {
    const { ticketIds, bookingId, eventId } = await ticketsOf(alice);
    const ticketId = ticketIds[0]!;
    const before = await ticketView(orm.em.fork(), await ticketRow(ticketId), alice.principal);
    const oldCode = before.printCode!;
    expect(await generationOf(oldCode, eventId)).toBe(1);

    // The receiver is found by email whatever its case.
    const offered = await offer(ticketId, bob.email.toUpperCase(), alice);
    expect(offered.status, JSON.stringify(offered.body)).toBe(201);
    expect(offered.body).toMatchObject({ ticketId, status: 'pending', direction: 'outgoing', toUserId: bob.id, fromName: alice.name });
    expect((await ticketRow(ticketId)).holderUserId).toBe(alice.id); // nothing moves before the receiver accepts

    const incoming = await call('GET', '/tickets/transfers?direction=incoming', { token: bob.token });
    expect(incoming.status).toBe(200);
    expect(incoming.body.items).toEqual([
      expect.objectContaining({
        id: offered.body.id,
        direction: 'incoming',
        status: 'pending',
        event: expect.objectContaining({ title: 'Transfer Night' }),
      }),
    ]);
    expect((await call('GET', '/tickets/transfers', { token: carol.token })).body.items).toEqual([]);

    const accepted = await step(offered.body.id, 'accept', bob);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', direction: 'incoming', decidedAt: expect.any(String) });

    const moved = await ticketRow(ticketId);
    expect(moved).toMatchObject({ holderUserId: bob.id, holderName: bob.name, generation: 2, status: 'valid' });
    const bobs = await ticketView(orm.em.fork(), moved, bob.principal);
    expect(await generationOf(bobs.printCode!, eventId)).toBe(2);
    expect(bobs.printCode).not.toBe(oldCode);
    // The old code still carries a valid signature, but of a generation the ticket has left: the door refuses it.
    expect(await generationOf(oldCode, eventId)).toBeLessThan(moved.generation);
    // The customer who booked it still sees the ticket on the booking, but no code of it any more.
    const alices = await ticketView(orm.em.fork(), moved, alice.principal);
    expect(alices.printCode ?? null).toBeNull();
    expect(alices.rotating ?? null).toBeNull();

    // ticket.transferred is in the outbox, with the event as the catalog knows it.
    const [fact] = await orm.em
      .fork()
      .execute<{ payload: { data: Record<string, unknown> } }[]>(
        "select payload from outbox_message where type = 'ticket.transferred' and payload->'data'->>'ticketId' = ?",
        [ticketId],
      );
    expect(fact?.payload.data).toMatchObject({
      ticketId,
      bookingId,
      eventId,
      fromUserId: alice.id,
      toUserId: bob.id,
      seatLabel: 'A-1',
      event: { title: 'Transfer Night', venueName: 'Hall', venueAddress: 'Main Street 1', timeZone: 'Europe/Berlin' },
    });

    // The history is the holder's (or an admin's): the sender no longer holds it.
    const history = await call('GET', `/tickets/${ticketId}/transfers`, { token: bob.token });
    expect(history.status).toBe(200);
    expect(history.body.items.map((t: { status: string }) => t.status)).toEqual(['accepted']);
    refused(await call('GET', `/tickets/${ticketId}/transfers`, { token: alice.token }), 404, 'TICKET_NOT_FOUND');
    const admin = await person('admin', 'admin');
    expect((await call('GET', `/tickets/${ticketId}/transfers`, { token: admin.token })).body.items).toHaveLength(1);

    // The old holder can no longer offer it; the new one can.
    refused(await offer(ticketId, carol.email, alice), 404, 'TICKET_NOT_FOUND');
    expect((await offer(ticketId, carol.email, bob)).status).toBe(201);
  });

  it('refuses an unknown receiver, the holder themselves, someone else’s ticket and unknown ids, changing nothing', async () => {
    const { ticketIds } = await ticketsOf(alice);
    const ticketId = ticketIds[0]!;
    const unknown = await offer(ticketId, `nobody-${randomUUID()}@example.com`, alice);
    refused(unknown, 404, 'TRANSFER_RECEIVER_UNKNOWN');
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'email' })]);
    refused(await offer(ticketId, alice.email, alice), 422, 'TRANSFER_TO_SELF');
    refused(await offer(ticketId, 'not an email', alice), 422, 'VALIDATION_FAILED');
    refused(await offer(ticketId, carol.email, bob), 404, 'TICKET_NOT_FOUND');
    refused(await offer(randomUUID(), carol.email, alice), 404, 'TICKET_NOT_FOUND');
    for (const action of ['accept', 'decline', 'cancel'] as const)
      refused(await step(randomUUID(), action, alice), 404, 'TRANSFER_NOT_FOUND');
    expect(await transfersOf(ticketId)).toEqual([]);
    expect(await ticketRow(ticketId)).toMatchObject({ holderUserId: alice.id, generation: 1 });

    // A void ticket is not offered.
    await orm.em.fork().execute("update ticket set status = 'void' where id = ?", [ticketId]);
    refused(await offer(ticketId, bob.email, alice), 409, 'TICKET_NOT_VALID');
    expect((await call('POST', `/tickets/${ticketId}/transfers`, { body: { email: bob.email } })).status).toBe(401);
  });

  it('lets the receiver decline and the sender cancel, each only their own side and only while pending', async () => {
    const { ticketIds } = await ticketsOf(alice);
    const ticketId = ticketIds[0]!;

    const first = await offer(ticketId, bob.email, alice);
    expect(first.status).toBe(201);
    refused(await step(first.body.id, 'accept', alice), 404, 'TRANSFER_NOT_FOUND'); // not the sender's to accept
    refused(await step(first.body.id, 'decline', carol), 404, 'TRANSFER_NOT_FOUND');
    refused(await step(first.body.id, 'cancel', bob), 404, 'TRANSFER_NOT_FOUND'); // the receiver cannot cancel it
    const declined = await step(first.body.id, 'decline', bob);
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('declined');
    refused(await step(first.body.id, 'accept', bob), 409, 'TRANSFER_NOT_PENDING');
    refused(await step(first.body.id, 'cancel', alice), 409, 'TRANSFER_NOT_PENDING');

    const second = await offer(ticketId, bob.email, alice);
    expect(second.status).toBe(201);
    const cancelled = await step(second.body.id, 'cancel', alice);
    expect(cancelled.body.status).toBe('cancelled');
    refused(await step(second.body.id, 'accept', bob), 409, 'TRANSFER_NOT_PENDING');

    expect(await transfersOf(ticketId)).toEqual([{ status: 'declined' }, { status: 'cancelled' }]);
    expect(await ticketRow(ticketId)).toMatchObject({ holderUserId: alice.id, generation: 1 });
    const outgoing = await call('GET', '/tickets/transfers?direction=outgoing&limit=1', { token: alice.token });
    expect(outgoing.body.items).toHaveLength(1);
    expect(outgoing.body.nextCursor).toEqual(expect.any(String));
  });

  it('keeps one open offer per ticket, also when two are made at once', async () => {
    const { ticketIds } = await ticketsOf(alice, 2);
    const answers = await Promise.all([offer(ticketIds[0]!, bob.email, alice), offer(ticketIds[0]!, carol.email, alice)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    refused(
      answers.find((a) => a.status === 409)!,
      409,
      'TRANSFER_PENDING',
    );
    refused(await offer(ticketIds[0]!, carol.email, alice), 409, 'TRANSFER_PENDING');
    expect(await transfersOf(ticketIds[0]!)).toEqual([{ status: 'pending' }]);
    // Another ticket of the same booking is its own.
    expect((await offer(ticketIds[1]!, bob.email, alice)).status).toBe(201);
  });

  it('cancels the open offers of tickets as they are voided, in the same transaction; the receiver can no longer accept', async () => {
    const { bookingId, ticketIds } = await ticketsOf(alice, 2);
    const open = await offer(ticketIds[0]!, bob.email, alice);
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    const declined = await offer(ticketIds[1]!, carol.email, alice);
    expect((await step(declined.body.id, 'decline', carol)).body.status).toBe('declined');

    const at = new Date('2026-12-01T09:30:00.000Z');
    await orm.em.fork().transactional(async (em) => {
      await voidTickets(em, await em.findOneOrFail(Booking, { id: bookingId }), 'cancelled by the customer', at);
    });
    const offers = await orm.em
      .fork()
      .execute<{ id: string; status: string; decided_at: string | null }[]>(
        'select t.id, t.status, t.decided_at from ticket_transfer t join ticket k on k.id = t.ticket_id where k.booking_id = ? order by t.created_at',
        [bookingId],
      );
    // The open offer is cancelled as the ticket is voided; the one already declined keeps its own decision.
    expect(offers.map((o) => [o.id, o.status])).toEqual([
      [open.body.id, 'cancelled'],
      [declined.body.id, 'declined'],
    ]);
    expect(new Date(offers[0]!.decided_at!)).toEqual(at);
    expect(new Date(offers[1]!.decided_at!)).not.toEqual(at);
    refused(await step(open.body.id, 'accept', bob), 409, 'TRANSFER_NOT_PENDING');
    expect((await ticketRow(ticketIds[0]!)).holderUserId).toBe(alice.id);
  });

  it('refuses transfers within the cutoff before the start (default 60 minutes, or the door policy’s), also at accept', async () => {
    const soon = await ticketsOf(alice, 1, 30);
    refused(await offer(soon.ticketIds[0]!, bob.email, alice), 409, 'TRANSFER_CLOSED');
    expect(await transfersOf(soon.ticketIds[0]!)).toEqual([]);

    // Two hours ahead is open by default; a door policy of three hours closes it.
    const later = await ticketsOf(alice, 2, 120);
    const open = await offer(later.ticketIds[0]!, bob.email, alice);
    expect(open.status).toBe(201);
    await orm.em
      .fork()
      .execute('insert into door_policy (event_id, transfer_cutoff_minutes, updated_at) values (?, 180, now())', [later.eventId]);
    refused(await offer(later.ticketIds[1]!, bob.email, alice), 409, 'TRANSFER_CLOSED');
    // An offer made while it was open is not accepted once it closed: the ticket stays where it is.
    refused(await step(open.body.id, 'accept', bob), 409, 'TRANSFER_CLOSED');
    expect(await ticketRow(later.ticketIds[0]!)).toMatchObject({ holderUserId: alice.id, generation: 1 });
    // Still pending: the sender may take it back.
    expect((await step(open.body.id, 'cancel', alice)).body.status).toBe('cancelled');
  });
});
