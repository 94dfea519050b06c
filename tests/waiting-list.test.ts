// The waiting list after a sell-out, on the real platform: a seat that comes back is offered to the first entry (a
// booking held for them, with a notification), lapses after the offer window, goes to the second entry, who pays;
// no seat is ever held for two entries at once. Also leaving, joining while seats are free, bad input, and the rule
// that serves entries of several seats.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../domain/invariants.ts';
import { randomUUID } from 'node:crypto';
import { offerBookingId, planOffers, servePass } from '../domain/bookings/waiting-list-offers.ts';
import { joinWaitingList, leaveWaitingList, myEntry } from '../domain/bookings/waiting-list.ts';
import { holdExpired, waitingListOffered } from '../domain/users/emails.ts';
import { waitingListWorkflowId, type WaitingListResult } from '../workflows/waiting-list-messages.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import type { Caller } from './support/http.ts';
import { mailTo } from './support/mail.ts';
import { endedWorkflow } from './support/money-stories.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';
import { until } from './support/wait.ts';

/** A's unpaid hold lapses soon; each offer lapses a little later. */
const ENV = { BOOKING_HOLD_TTL_SECONDS: '4' };
const OFFER_WINDOW_SECONDS = 4;

type Customer = Awaited<ReturnType<typeof newCustomer>>;

describe('the waiting list of a sold-out event', () => {
  let platform: TestPlatform;
  let api: Caller;
  let admin: string;
  const events: string[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform(ENV);
    api = platform.api;
    admin = (await signIn(api, ADMIN.email, ADMIN.password)).accessToken;
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  afterEach(async () => {
    expect(await checkInvariants(platform.orms, { eventIds: events.splice(0), terminal: true })).toEqual([]);
  }, 60_000);

  async function twoSeatEvent(): Promise<TestEvent> {
    const event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'A', seats: 2 }] }], [2_500]);
    events.push(event.eventId);
    return event;
  }

  async function hold(customer: Customer, eventId: string, seatIds: string[]): Promise<string> {
    const held = await api('POST', '/bookings', { token: customer.accessToken, body: { eventId, seats: seatIds } });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    return held.body.id as string;
  }

  async function pay(customer: Customer, bookingId: string) {
    return api('POST', `/bookings/${bookingId}/pay`, {
      token: customer.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
  }

  const entryOf = async (customer: Customer, eventId: string) =>
    (await api('GET', `/events/${eventId}/waiting-list/me`, { token: customer.accessToken })).body;

  /** The event's bookings that hold seats right now (not yet ended), each with its seats. */
  async function liveHolds(eventId: string): Promise<{ id: string; customerId: string; seatIds: string[] }[]> {
    const rows = await platform.orms.bookings.em
      .fork()
      .execute<{ id: string; customer_id: string; seats: { seatId: string }[] }[]>(
        `select id, customer_id, seats from booking where event_id = ? and status in ('HELD', 'PAYING')`,
        [eventId],
      );
    return rows.map((r) => ({ id: r.id, customerId: r.customer_id, seatIds: r.seats.map((s) => s.seatId) }));
  }

  /** No seat is held by two bookings at once (the offers included). */
  async function noSeatHeldTwice(eventId: string): Promise<void> {
    const seats = (await liveHolds(eventId)).flatMap((h) => h.seatIds);
    expect(new Set(seats).size).toBe(seats.length);
  }

  it('offers a returned seat to the first entry, lets it lapse after its window, then offers it to the second, who pays', async () => {
    const event = await twoSeatEvent();
    const [a, b, c] = [await newCustomer(api, 'wl-a'), await newCustomer(api, 'wl-b'), await newCustomer(api, 'wl-c')];
    const set = await api('PUT', `/events/${event.eventId}/waiting-list/settings`, {
      token: admin,
      body: { offerWindowSeconds: OFFER_WINDOW_SECONDS },
    });
    expect(set.status).toBe(200);

    // A buys one seat and holds the other without paying: the event is sold out until that hold lapses.
    const sold = await hold(a, event.eventId, [event.seatIds[1]!]);
    expect((await pay(a, sold)).body.status).toBe('CONFIRMED');
    const unpaid = await hold(a, event.eventId, [event.seatIds[0]!]);

    const joinedB = await api('POST', `/events/${event.eventId}/waiting-list`, { token: b.accessToken, body: { seats: 1 } });
    expect(joinedB.status, JSON.stringify(joinedB.body)).toBe(201);
    expect(joinedB.body).toMatchObject({ state: 'waiting', position: 1, seats: 1, sectionId: null, offer: null });
    const joinedC = await api('POST', `/events/${event.eventId}/waiting-list`, { token: c.accessToken, body: { seats: 1 } });
    expect(joinedC.body).toMatchObject({ state: 'waiting', position: 2 });
    // Joining again (another device) answers the same entry.
    const again = await api('POST', `/events/${event.eventId}/waiting-list`, { token: b.accessToken, body: { seats: 1 } });
    expect(again.status).toBe(200);
    expect(again.body.entryId).toBe(joinedB.body.entryId);
    expect(await metrics()).toMatch(lengthOf(event.eventId, 2));

    // A's hold expires: the seat is offered to B, a booking held for B, and B is told.
    await until(async () => (await entryOf(b, event.eventId)).offer?.expiresAt != null, 30_000, 200);
    const offeredB = await entryOf(b, event.eventId);
    expect(offeredB.state).toBe('offered');
    const bookingB = await api('GET', `/bookings/${offeredB.offer.bookingId}`, { token: b.accessToken });
    expect(bookingB.body).toMatchObject({ status: 'HELD', customerId: b.id });
    expect(bookingB.body.seats.map((s: { seatId: string }) => s.seatId)).toEqual([event.seatIds[0]]);
    expect((await api('GET', `/bookings/${unpaid}`, { token: a.accessToken })).body.status).toBe('EXPIRED');
    expect((await entryOf(c, event.eventId)).state).toBe('waiting');
    expect((await entryOf(c, event.eventId)).position).toBe(2);
    await noSeatHeldTwice(event.eventId);
    await until(
      async () => {
        const inbox = await api('GET', '/users/me/notifications', { token: b.accessToken });
        return (inbox.body.items as { kind: string; data: { bookingId?: string } }[]).some(
          (n) => n.kind === 'waiting_list_offer' && n.data.bookingId === offeredB.offer.bookingId,
        );
      },
      15_000,
      200,
    );

    const mail = await mailTo(b.email, /^Eventix: Seats for you/, 15_000);
    expect(mail.body).toContain(offeredB.offer.bookingId.slice(0, 8).toUpperCase());

    // B does nothing: the offer lapses after its window and the same seat goes to C.
    let offeredC: { state: string; offer: { bookingId: string; expiresAt: string | null } | null } | undefined;
    await until(
      async () => {
        await noSeatHeldTwice(event.eventId);
        offeredC = await entryOf(c, event.eventId);
        return offeredC?.offer?.expiresAt != null;
      },
      30_000,
      200,
    );
    expect((await entryOf(b, event.eventId)).state).toBe('lapsed');
    // B is told the offer lapsed, not that the seats are on sale again.
    const lapsedMail = await mailTo(b.email, /^Eventix: Your waiting-list offer lapsed/, 15_000);
    expect(lapsedMail.body).toContain('went to the next customer on the list');
    expect((await api('GET', `/bookings/${offeredB.offer.bookingId}`, { token: b.accessToken })).body.status).toBe('EXPIRED');
    const holds = await liveHolds(event.eventId);
    expect(holds).toEqual([{ id: offeredC!.offer!.bookingId, customerId: c.id, seatIds: [event.seatIds[0]] }]);
    // B's offer had ended before C's seats were held: never two offers live for the seat.
    const [lapsedAt, heldAt] = await Promise.all([
      transitionAt(offeredB.offer.bookingId, 'EXPIRED'),
      transitionAt(offeredC!.offer!.bookingId, 'HELD'),
    ]);
    expect(lapsedAt.getTime()).toBeLessThanOrEqual(heldAt.getTime());

    // C pays: the offer is accepted and the booking confirmed.
    const paid = await pay(c, offeredC!.offer!.bookingId);
    expect(paid.body.status).toBe('CONFIRMED');
    await until(async () => (await entryOf(c, event.eventId)).state === 'accepted', 30_000, 200);

    const overview = await api('GET', `/events/${event.eventId}/waiting-list`, { token: admin });
    expect(overview.status).toBe(200);
    expect(overview.body).toMatchObject({
      length: 0,
      entries: { waiting: 0, offered: 0, accepted: 1, lapsed: 1, left: 0 },
      offers: { made: 2, accepted: 1, lapsed: 1 },
      offerWindowSeconds: OFFER_WINDOW_SECONDS,
    });
    const figures = await metrics();
    expect(figures).toMatch(/eventix_waiting_list_offers_total\{[^}]*outcome="accepted"[^}]*\} [1-9]/);
    expect(figures).toMatch(/eventix_waiting_list_offers_total\{[^}]*outcome="lapsed"[^}]*\} [1-9]/);
    expect(figures).not.toMatch(lengthOf(event.eventId));
    // Customers do not see the admins' figures.
    expect((await api('GET', `/events/${event.eventId}/waiting-list`, { token: c.accessToken })).status).toBe(403);
    // Nobody left waiting or holding an offer: the list's workflow ended, with both offers settled.
    const ended = await endedWorkflow<WaitingListResult>(waitingListWorkflowId(event.eventId), 'waiting-list.lapsed-then-accepted', 60_000);
    expect([ended.offersMade, ended.accepted, ended.lapsed]).toEqual([2, 1, 1]);
  }, 180_000);

  /** The length gauge's line for an event (every sample carries the service label too). */
  const lengthOf = (eventId: string, n?: number) => new RegExp(`eventix_waiting_list_length\\{[^}]*event="${eventId}"[^}]*\\} ${n ?? ''}`);
  const metrics = async () => (await fetch(`http://127.0.0.1:${platform.services.bookings.port}/metrics`)).text();

  async function transitionAt(bookingId: string, to: string): Promise<Date> {
    const [row] = await platform.orms.bookings.em
      .fork()
      .execute<{ at: Date }[]>(`select at from booking_history where booking_id = ? and to_status = ? order by at limit 1`, [
        bookingId,
        to,
      ]);
    expect(row, `${bookingId} never became ${to}`).toBeDefined();
    return new Date(row!.at);
  }

  it('lets a customer leave, giving up an open offer so the seat goes to the next entry', async () => {
    const event = await twoSeatEvent();
    await api('PUT', `/events/${event.eventId}/waiting-list/settings`, { token: admin, body: { offerWindowSeconds: 60 } });
    const [a, b, c] = [await newCustomer(api, 'wl-a'), await newCustomer(api, 'wl-b'), await newCustomer(api, 'wl-c')];
    expect((await pay(a, await hold(a, event.eventId, [event.seatIds[1]!]))).body.status).toBe('CONFIRMED');
    await hold(a, event.eventId, [event.seatIds[0]!]);
    for (const customer of [b, c]) {
      expect((await api('POST', `/events/${event.eventId}/waiting-list`, { token: customer.accessToken, body: { seats: 1 } })).status).toBe(
        201,
      );
    }

    await until(async () => (await entryOf(b, event.eventId)).offer?.expiresAt != null, 30_000, 200);
    const offerB = (await entryOf(b, event.eventId)).offer.bookingId as string;
    const left = await api('DELETE', `/events/${event.eventId}/waiting-list/me`, { token: b.accessToken });
    expect(left.status).toBe(200);
    expect(left.body).toMatchObject({ state: 'left', position: null });
    // B's booking is cancelled, and C (next) is offered the seat long before B's 60 s window would have ended.
    await until(async () => (await entryOf(c, event.eventId)).offer?.expiresAt != null, 20_000, 200);
    expect((await api('GET', `/bookings/${offerB}`, { token: b.accessToken })).body.status).toBe('CANCELLED');
    await noSeatHeldTwice(event.eventId);
    // Leaving again answers the entry as it is.
    const leftAgain = await api('DELETE', `/events/${event.eventId}/waiting-list/me`, { token: b.accessToken });
    expect([leftAgain.status, leftAgain.body.state, leftAgain.body.offer?.bookingId]).toEqual([200, 'left', offerB]);
    // B changes their mind: back on the list, behind C (whose offer is open), with no offer yet.
    const back = await api('POST', `/events/${event.eventId}/waiting-list`, { token: b.accessToken, body: { seats: 1 } });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    expect(back.body).toMatchObject({ state: 'waiting', position: 2, offer: null });
    // B leaves for good; C gives up too, and the seat is on sale again.
    expect((await api('DELETE', `/events/${event.eventId}/waiting-list/me`, { token: b.accessToken })).body.state).toBe('left');
    const offerC = (await entryOf(c, event.eventId)).offer.bookingId as string;
    expect((await api('DELETE', `/events/${event.eventId}/waiting-list/me`, { token: c.accessToken })).status).toBe(200);
    await until(async () => (await api('GET', `/bookings/${offerC}`, { token: c.accessToken })).body.status === 'CANCELLED', 20_000, 200);
  }, 120_000);

  it('offers a seat once, however many passes run at once and before its booking is written', async () => {
    const orm = platform.orms.bookings;
    const [eventId, sectionId] = [randomUUID(), randomUUID()];
    for (let i = 0; i < 3; i++) {
      await joinWaitingList(orm.em.fork(), { eventId, customerId: randomUUID(), seats: 1 }, () =>
        Promise.resolve([{ sectionId, available: 0 }]),
      );
    }
    // One seat back, seen by three passes at once (two workers, a retried activity): one offer among them. A pass
    // that finds the offer's booking not written yet asks for the same booking again (the same saga id, started once).
    const free = [{ sectionId, available: 1 }];
    const passes = await Promise.all([1, 2, 3].map(() => servePass(orm.em.fork(), eventId, free)));
    const offers = passes.flatMap((p) => p.offers);
    expect(new Set(offers.map((o) => o.bookingId)).size).toBe(1);
    expect(new Set(offers.map((o) => o.entryId)).size).toBe(1);
    // The events service still counts the seat free until that booking holds it: it is not offered to another entry.
    const later = await servePass(orm.em.fork(), eventId, free);
    expect(later.offers.map((o) => o.bookingId)).toEqual([offers[0]!.bookingId]);
    expect(later).toMatchObject({ waiting: 2, offered: 1, unsettled: 1 });
    const [counted] = await orm.em
      .fork()
      .execute<{ n: number }[]>(`select count(*)::int as n from waiting_list_entry where event_id = ? and state = 'offered'`, [eventId]);
    expect(counted!.n).toBe(1);
  });

  it('takes no join for an event that is cancelled or completed', async () => {
    const orm = platform.orms.bookings;
    const [eventId, sectionId] = [randomUUID(), randomUUID()];
    await orm.em
      .fork()
      .execute(
        `insert into event_catalog (event_id, title, venue_name, starts_at, status, occurred_at) values (?, 'Over', 'Hall', now(), 'cancelled', now())`,
        [eventId],
      );
    const join = (customerId: string) =>
      joinWaitingList(orm.em.fork(), { eventId, customerId, seats: 1 }, () => Promise.resolve([{ sectionId, available: 0 }]));
    await expect(join(randomUUID())).rejects.toMatchObject({ code: 'EVENT_NOT_ON_SALE' });
    await orm.em.fork().execute(`update event_catalog set status = 'completed' where event_id = ?`, [eventId]);
    await expect(join(randomUUID())).rejects.toMatchObject({ code: 'EVENT_NOT_ON_SALE' });
    const [n] = await orm.em
      .fork()
      .execute<{ n: number }[]>('select count(*)::int as n from waiting_list_entry where event_id = ?', [eventId]);
    expect(n!.n).toBe(0);
  });

  it('cancels a left offer’s booking again on every leave while it still holds its seats, and refuses to leave a paid one', async () => {
    const orm = platform.orms.bookings;
    const [eventId, sectionId] = [randomUUID(), randomUUID()];
    const customers = [randomUUID(), randomUUID()];
    for (const customerId of customers) {
      await joinWaitingList(orm.em.fork(), { eventId, customerId, seats: 1 }, () => Promise.resolve([{ sectionId, available: 0 }]));
    }
    const [offer] = (await servePass(orm.em.fork(), eventId, [{ sectionId, available: 1 }])).offers;
    expect(offer!.customerId).toBe(customers[0]);
    const booking = (status: string) =>
      orm.em.fork().execute(
        `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at) values (?, ?, ?, ?, '{}', ?, now())
         on conflict (id) do update set status = excluded.status`,
        [offer!.bookingId, offer!.customerId, eventId, status, `booking-${offer!.bookingId}`],
      );
    // The saga has not written its booking yet: it may still hold, so leaving cancels it, and so does a retry.
    const first = await leaveWaitingList(orm.em.fork(), eventId, customers[0]!);
    expect([first.view.entry.state, first.cancel]).toEqual(['left', offer!.bookingId]);
    await booking('HELD');
    const again = await leaveWaitingList(orm.em.fork(), eventId, customers[0]!);
    expect([again.view.entry.state, again.cancel]).toEqual(['left', offer!.bookingId]);
    // Once the booking has ended there is nothing to cancel.
    await booking('CANCELLED');
    expect((await leaveWaitingList(orm.em.fork(), eventId, customers[0]!)).cancel).toBeNull();

    // The next entry is offered the seat and pays before any pass has seen it: that offer is accepted, not left.
    const [next] = (await servePass(orm.em.fork(), eventId, [{ sectionId, available: 1 }])).offers;
    expect(next!.customerId).toBe(customers[1]);
    await orm.em
      .fork()
      .execute(
        `insert into booking (id, customer_id, event_id, status, selection, workflow_id, created_at) values (?, ?, ?, 'CONFIRMED', '{}', ?, now())`,
        [next!.bookingId, next!.customerId, eventId, `booking-${next!.bookingId}`],
      );
    await expect(leaveWaitingList(orm.em.fork(), eventId, customers[1]!)).rejects.toMatchObject({ code: 'WAITING_LIST_OFFER_ACCEPTED' });
    expect((await myEntry(orm.em.fork(), eventId, customers[1]!)).entry.state).toBe('offered');
  });

  it('refuses a join while the seats asked for can be booked, and bad input with problem+json', async () => {
    const event = await twoSeatEvent();
    const d = await newCustomer(api, 'wl-d');
    const path = `/events/${event.eventId}/waiting-list`;
    const free = await api('POST', path, { token: d.accessToken, body: { seats: 1 } });
    expect(free.status).toBe(409);
    expect(free.body.code).toBe('EVENT_NOT_SOLD_OUT');
    // Three seats together are not to be had at a two-seat event: that is worth waiting for.
    expect((await api('POST', path, { token: d.accessToken, body: { seats: 3 } })).status).toBe(201);

    for (const body of [{ seats: 0 }, { seats: 51 }, { seats: 1.5 }, { seats: '1' }, {}, { seats: 1, sectionId: 'hall' }]) {
      const bad = await api('POST', path, { token: d.accessToken, body });
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    }
    // No more seats than one customer may hold of the event: the platform's limit (SEATS_PER_CUSTOMER_MAX, 10 here)…
    const many = await api('POST', path, { token: (await newCustomer(api, 'wl-f')).accessToken, body: { seats: 11 } });
    expect([many.status, many.body.code]).toEqual([422, 'WAITING_LIST_SEAT_LIMIT']);
    // …and, while the event sells through its waiting room, its on-sale's seats per customer.
    const onSale = (waitingRoom: boolean) =>
      api('PUT', `/events/${event.eventId}/on-sale`, {
        token: admin,
        body: { opensAt: new Date().toISOString(), waitingRoom, maxSeatsPerCustomer: 2 },
      });
    await until(async () => (await onSale(true)).status === 200, 15_000, 200);
    const g = await newCustomer(api, 'wl-g');
    const overAdmission = await api('POST', path, { token: g.accessToken, body: { seats: 3 } });
    expect([overAdmission.status, overAdmission.body.code]).toEqual([422, 'WAITING_LIST_SEAT_LIMIT']);
    expect((await onSale(false)).status).toBe(200);
    expect((await api('POST', path, { token: g.accessToken, body: { seats: 3 } })).status).toBe(201);
    expect((await api('DELETE', `${path}/me`, { token: g.accessToken })).body.state).toBe('left');
    const nowhere = await api('POST', path, {
      token: (await newCustomer(api, 'wl-e')).accessToken,
      body: { seats: 3, sectionId: event.venueId },
    });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.code).toBe('SECTION_NOT_FOUND');
    const unknown = await api('POST', `/events/${event.venueId}/waiting-list`, { token: d.accessToken, body: { seats: 1 } });
    expect(unknown.body.code).toBe('EVENT_NOT_FOUND');
    expect((await api('GET', `/events/${event.venueId}/waiting-list/me`, { token: d.accessToken })).body.code).toBe(
      'WAITING_LIST_ENTRY_NOT_FOUND',
    );
    expect((await api('POST', path, { body: { seats: 1 } })).status).toBe(401);
    const window = await api('PUT', `${path}/settings`, { token: admin, body: { offerWindowSeconds: 0 } });
    expect(window.status).toBe(422);
    expect((await api('PUT', `${path}/settings`, { token: d.accessToken, body: { offerWindowSeconds: 60 } })).status).toBe(403);
    expect((await api('DELETE', `${path}/me`, { token: d.accessToken })).body.state).toBe('left');
  }, 60_000);
});

describe('which entries the free seats are offered to', () => {
  const entry = (id: string, seats: number, passedOver = 0, sectionId: string | null = null) => ({ id, seats, sectionId, passedOver });
  const served = (plan: ReturnType<typeof planOffers>) => plan.served.map((s) => `${s.entry.id}@${s.sectionId}`);

  it('serves in list order, an entry of several seats once that many are free together in one section', () => {
    const plan = planOffers(
      [entry('big', 3), entry('one', 1), entry('two', 2)],
      [
        { sectionId: 's1', available: 2 },
        { sectionId: 's2', available: 1 },
      ],
    );
    // The single takes the section of one free seat, leaving the pair whole for the entry of two.
    expect(served(plan)).toEqual(['one@s2', 'two@s1']);
    expect(plan.passedOver).toEqual(['big']);
  });

  it('keeps the seats for an entry passed over too often, so the entries behind it wait', () => {
    const free = [{ sectionId: 's1', available: 2 }];
    expect(served(planOffers([entry('big', 3, 2), entry('one', 1)], free))).toEqual(['one@s1']);
    const kept = planOffers([entry('big', 3, 3), entry('one', 1)], free);
    expect(kept.served).toEqual([]);
    expect(kept.passedOver).toEqual([]);
    // Once enough are back, it is served first.
    expect(served(planOffers([entry('big', 3, 3), entry('one', 1)], [{ sectionId: 's1', available: 4 }]))).toEqual(['big@s1', 'one@s1']);
  });

  it('names each offer’s booking by its entry and attempt, so making the same offer again is the same booking', () => {
    const entryId = '0b6f3f9e-4c1b-4f7e-9d59-0d7d3c1f2a10';
    expect(offerBookingId(entryId, 1)).toBe(offerBookingId(entryId, 1));
    expect(offerBookingId(entryId, 2)).not.toBe(offerBookingId(entryId, 1));
    expect(offerBookingId(entryId, 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps only the sections the waiting entry can use', () => {
    const plan = planOffers(
      [entry('big', 3, 3, 's1'), entry('other', 1, 0, 's2'), entry('same', 1, 0, 's1')],
      [
        { sectionId: 's1', available: 2 },
        { sectionId: 's2', available: 1 },
      ],
    );
    expect(served(plan)).toEqual(['other@s2']);
  });
});

describe('the waiting list’s emails', () => {
  const seats = [{ seatId: '0b6f3f9e-4c1b-4f7e-9d59-0d7d3c1f2a10', label: 'A1' }];
  const offer = {
    entryId: '1b6f3f9e-4c1b-4f7e-9d59-0d7d3c1f2a10',
    bookingId: '2b6f3f9e-4c1b-4f7e-9d59-0d7d3c1f2a10',
    customerId: '3b6f3f9e-4c1b-4f7e-9d59-0d7d3c1f2a10',
    eventId: '4b6f3f9e-4c1b-4f7e-9d59-0d7d3c1f2a10',
    eventTitle: 'Concert',
    seats,
    amountMinor: 2_500,
    currency: 'EUR',
    expiresAt: '2027-03-05T19:30:00.000Z',
  };

  it('gives the offer’s deadline in the venue’s time zone, as the other emails give times (UTC when the fact names none)', () => {
    const local = waitingListOffered({ ...offer, timeZone: 'Europe/Berlin' });
    expect(local.title).toBe('Seats for you at Concert: pay by Friday, 5 March 2027 at 20:30 CET (Europe/Berlin)');
    expect(local.body).toContain('until Friday, 5 March 2027 at 20:30 CET (Europe/Berlin)');
    expect(waitingListOffered(offer).title).toBe('Seats for you at Concert: pay by Friday, 5 March 2027 at 19:30 UTC');
  });

  it('says an expired hold’s seats were released, and an offer’s booking that its offer lapsed', () => {
    const expired = {
      bookingId: offer.bookingId,
      customerId: offer.customerId,
      eventId: offer.eventId,
      seats,
      amountMinor: 2_500,
      currency: 'EUR',
      reason: 'the hold expired unpaid; seats released',
    };
    expect(holdExpired(expired).body).not.toContain('on sale again');
    expect(holdExpired(expired).body).toContain('the seats were released');
    const lapsed = holdExpired(expired, { waitingListOffer: true });
    expect([lapsed.kind, lapsed.title]).toEqual(['hold_expired', 'Your waiting-list offer lapsed']);
    expect(lapsed.body).toContain('the offer has lapsed');
  });
});
