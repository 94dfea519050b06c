// The seat inventory without HTTP or Temporal: all-or-none holds under contention, the database's own refusal of a
// second owner, expiry without cleanup, idempotency by hold id, the customer cap.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { createEventsActivities } from '../activities/events.activities.ts';
import { DomainError } from '../common/errors/domain-error.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import {
  availability,
  confirmSeats,
  extendHold,
  holdSeats,
  releaseSeats,
  returnSeats,
  seatMap,
  type HoldRequest,
} from '../domain/events/seats.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig } from './support/context.ts';
import { eventOnSale, eventsCtx } from './support/events.ts';
import { codeOf } from './support/problems.ts';

describe('the seat inventory', () => {
  const config = testConfig({ DATABASE_POOL_MAX: '20' });
  let orm: Orm;
  const em = () => orm.em.fork();
  const soon = (ms = 600_000) => new Date(Date.now() + ms);
  const request = (eventId: string, selection: HoldRequest['selection'], extra: Partial<HoldRequest> = {}): HoldRequest => ({
    holdId: randomUUID(),
    eventId,
    customerId: randomUUID(),
    selection,
    until: soon(),
    maxSeatsPerCustomer: 10,
    ...extra,
  });
  const owners = async (eventId: string) =>
    em().execute<{ seat_id: string; status: string; hold_id: string | null; expires_at: string | null }[]>(
      'select seat_id, status, hold_id, expires_at from seat_inventory where event_id = ?',
      [eventId],
    );
  /** Lets a hold lapse now, as its expiry passing would: its seats and its record both expired a second ago. */
  const lapse = async (holdId: string): Promise<Date> => {
    const past = new Date(Date.now() - 1_000);
    await em().execute(`update seat_inventory set expires_at = ? where hold_id = ? and status = 'held'`, [past, holdId]);
    await em().execute(`update seat_hold set expires_at = ? where id = ?`, [past, holdId]);
    return past;
  };

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('events', config), { migrate: false });
  });
  afterAll(async () => orm?.close());

  it('1000 concurrent hold attempts on 100 seats leave every seat with at most one owner: exactly the winners’ seats', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const seats = event.seatIds;
    expect(seats).toHaveLength(100);
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const attempts = Array.from({ length: 1000 }, (_, i) => {
      if (i % 3 === 0) return request(event.eventId, { sectionId: event.sections[0]!.id, quantity: 1 + Math.floor(random() * 4) });
      const count = 1 + Math.floor(random() * 4);
      return request(event.eventId, { seatIds: Array.from({ length: count }, () => seats[Math.floor(random() * seats.length)]!) });
    });
    const outcomes = await Promise.allSettled(attempts.map((r) => holdSeats(em(), r)));

    const won = new Map<string, string>(); // seat → hold
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(DomainError);
        expect((outcome.reason as DomainError).code).toBe('SEATS_UNAVAILABLE');
        continue;
      }
      const wanted = attempts[i]!.selection;
      if ('seatIds' in wanted) expect(outcome.value.seats.map((s) => s.seatId).sort()).toEqual([...new Set(wanted.seatIds)].sort());
      else expect(outcome.value.seats).toHaveLength(wanted.quantity);
      for (const seat of outcome.value.seats) {
        expect(won.has(seat.seatId), `seat ${seat.seatId} won twice`).toBe(false);
        won.set(seat.seatId, attempts[i]!.holdId);
      }
    }
    const rows = await owners(event.eventId);
    const held = rows.filter((r) => r.status === 'held');
    expect(new Map(held.map((r) => [r.seat_id, r.hold_id]))).toEqual(won);
    expect(rows.filter((r) => r.status === 'available').length).toBe(100 - won.size);
    expect(won.size).toBeGreaterThan(50);
  }, 120_000);

  it('refuses a second owner in the database itself, with the application’s check bypassed', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const [seat] = event.seatIds;
    await holdSeats(em(), request(event.eventId, { seatIds: [seat!] }));
    const steal = (status: string) =>
      em().execute(
        `update seat_inventory set status = ?, hold_id = ?, customer_id = ?, expires_at = ? where event_id = ? and seat_id = ?`,
        [status, randomUUID(), randomUUID(), soon(), event.eventId, seat],
      );
    await expect(steal('held')).rejects.toThrow(/already belongs to hold/);
    await expect(steal('sold')).rejects.toThrow(/already belongs to hold/);
    // A sold seat is refused too.
    const sold = request(event.eventId, { seatIds: [event.seatIds[1]!] });
    await holdSeats(em(), sold);
    await confirmSeats(em(), sold.holdId);
    await expect(
      em().execute(`update seat_inventory set hold_id = ?, status = 'held', expires_at = ? where event_id = ? and seat_id = ?`, [
        randomUUID(),
        soon(),
        event.eventId,
        event.seatIds[1],
      ]),
    ).rejects.toThrow(/already belongs to hold/);
    // And an incoherent row (held without an owner) is refused by the table's checks.
    await expect(
      em().execute(`update seat_inventory set status = 'held', hold_id = null where event_id = ? and seat_id = ?`, [
        event.eventId,
        event.seatIds[2],
      ]),
    ).rejects.toThrow(/check constraint/);
  });

  it('lets another customer hold an expired hold’s seats before any cleanup runs', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const seats = event.seatIds.slice(0, 3);
    const first = request(event.eventId, { seatIds: seats });
    await holdSeats(em(), first);
    expect(await codeOf(holdSeats(em(), request(event.eventId, { seatIds: seats })))).toBe('SEATS_UNAVAILABLE');
    await lapse(first.holdId);
    const map = await seatMap(em(), event.eventId);
    expect(map.filter((s) => seats.includes(s.seatId)).map((s) => s.status)).toEqual(['available', 'available', 'available']);
    expect((await availability(em(), event.eventId))[0]).toMatchObject({ available: 100, held: 0 });

    const second = request(event.eventId, { seatIds: seats });
    expect((await holdSeats(em(), second)).seats).toHaveLength(3);
    // The first hold can no longer be sold, and releasing it leaves the new owner alone.
    expect(await codeOf(confirmSeats(em(), first.holdId))).toBe('SEATS_NO_LONGER_HELD');
    expect(await releaseSeats(em(), first.holdId)).toEqual({ released: 0 });
    expect((await owners(event.eventId)).filter((r) => r.hold_id === second.holdId)).toHaveLength(3);
  });

  it('is idempotent by hold id: every operation run twice changes nothing the second time', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const hold = request(event.eventId, { sectionId: event.sections[0]!.id, quantity: 2 });
    const first = await holdSeats(em(), hold);
    const again = await holdSeats(em(), { ...hold, selection: { sectionId: event.sections[0]!.id, quantity: 4 } });
    expect(again).toEqual(first);
    expect((await owners(event.eventId)).filter((r) => r.status === 'held')).toHaveLength(2);

    expect(await confirmSeats(em(), hold.holdId)).toEqual(first);
    const afterConfirm = await owners(event.eventId);
    expect(await confirmSeats(em(), hold.holdId)).toEqual(first);
    expect(await owners(event.eventId)).toEqual(afterConfirm);

    expect(await returnSeats(em(), hold.holdId)).toEqual({ returned: 2 });
    expect(await returnSeats(em(), hold.holdId)).toEqual({ returned: 0 });
    expect((await owners(event.eventId)).every((r) => r.status === 'available')).toBe(true);

    const other = request(event.eventId, { seatIds: event.seatIds.slice(10, 12) });
    await holdSeats(em(), other);
    expect(await releaseSeats(em(), other.holdId)).toEqual({ released: 2 });
    expect(await releaseSeats(em(), other.holdId)).toEqual({ released: 0 });
    expect(await codeOf(holdSeats(em(), other))).toBe('HOLD_RELEASED');
  });

  it('records a release that arrives before its hold, so the late hold claims nothing', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const late = request(event.eventId, { seatIds: [event.seatIds[0]!] });
    expect(await releaseSeats(em(), late.holdId)).toEqual({ released: 0 });
    expect(await codeOf(holdSeats(em(), late))).toBe('HOLD_RELEASED');
    expect((await owners(event.eventId)).every((r) => r.status === 'available')).toBe(true);
  });

  it('sells all of a hold or nothing: a hold that lost one seat cannot be confirmed', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const seats = event.seatIds.slice(0, 2);
    const first = request(event.eventId, { seatIds: seats });
    await holdSeats(em(), first);
    await lapse(first.holdId);
    await holdSeats(em(), request(event.eventId, { seatIds: [seats[0]!] }));
    expect(await codeOf(confirmSeats(em(), first.holdId))).toBe('SEATS_NO_LONGER_HELD');
    expect((await owners(event.eventId)).filter((r) => r.status === 'sold')).toHaveLength(0);
  });

  it('keeps a hold for its charge: forward only, only its own unexpired seats, never a hold lapsed, lost, released or sold', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const expiries = async (holdId: string) =>
      (await owners(event.eventId)).filter((r) => r.hold_id === holdId).map((r) => (r.expires_at ? Date.parse(r.expires_at) : null));
    const holdExpiry = async (holdId: string) => {
      const [row] = await em().execute<{ expires_at: string }[]>('select expires_at from seat_hold where id = ?', [holdId]);
      return Date.parse(row!.expires_at);
    };
    const hold = request(event.eventId, { seatIds: event.seatIds.slice(0, 2) }, { until: soon(60_000) });
    const neighbour = request(event.eventId, { seatIds: [event.seatIds[2]!] }, { until: soon(60_000) });
    await holdSeats(em(), hold);
    await holdSeats(em(), neighbour);

    const later = soon(600_000);
    expect(await extendHold(em(), hold.holdId, later)).toEqual({ holdId: hold.holdId, seats: 2, expiresAt: later.toISOString() });
    expect(await expiries(hold.holdId)).toEqual([later.getTime(), later.getTime()]);
    expect(await holdExpiry(hold.holdId)).toBe(later.getTime());
    // Never backward: an earlier instant leaves the later expiry as it is.
    expect(await extendHold(em(), hold.holdId, soon(1_000))).toMatchObject({ expiresAt: later.toISOString() });
    expect(await expiries(hold.holdId)).toEqual([later.getTime(), later.getTime()]);
    // Another hold's seats are not touched.
    expect(await expiries(neighbour.holdId)).toEqual([neighbour.until.getTime()]);
    expect(await holdExpiry(neighbour.holdId)).toBe(neighbour.until.getTime());

    // A hold that lapsed a moment ago keeps the seats nobody claimed since; one whose lapsed seat was claimed by
    // another hold is not revived, and that hold keeps the seat.
    const lapsed = request(event.eventId, { seatIds: [event.seatIds[3]!] }, { until: soon(60_000) });
    const taken = request(event.eventId, { seatIds: [event.seatIds[6]!] }, { until: soon(60_000) });
    await holdSeats(em(), lapsed);
    await holdSeats(em(), taken);
    await lapse(lapsed.holdId);
    const takenLapsedAt = await lapse(taken.holdId);
    expect(await extendHold(em(), lapsed.holdId, later)).toEqual({ holdId: lapsed.holdId, seats: 1, expiresAt: later.toISOString() });
    expect(await expiries(lapsed.holdId)).toEqual([later.getTime()]);
    const claimer = request(event.eventId, { seatIds: [event.seatIds[6]!] });
    await holdSeats(em(), claimer);
    expect(await codeOf(extendHold(em(), taken.holdId, later))).toBe('SEATS_NO_LONGER_HELD');
    expect(await expiries(taken.holdId)).toEqual([]);
    expect(await holdExpiry(taken.holdId)).toBe(takenLapsedAt.getTime());
    expect(await expiries(claimer.holdId)).toEqual([claimer.until.getTime()]);

    // A hold that lost one of its seats (an operator freed it) is extended not at all: it could not be sold anyway.
    const partly = request(event.eventId, { seatIds: event.seatIds.slice(4, 6) }, { until: soon(60_000) });
    await holdSeats(em(), partly);
    await em().execute(
      `update seat_inventory set status = 'available', hold_id = null, customer_id = null, expires_at = null where event_id = ? and seat_id = ?`,
      [event.eventId, event.seatIds[4]],
    );
    expect(await codeOf(extendHold(em(), partly.holdId, later))).toBe('SEATS_NO_LONGER_HELD');
    expect(await expiries(partly.holdId)).toEqual([partly.until.getTime()]);
    expect(await holdExpiry(partly.holdId)).toBe(partly.until.getTime());

    // Released, sold, or never made: nothing to keep.
    await releaseSeats(em(), neighbour.holdId);
    expect(await codeOf(extendHold(em(), neighbour.holdId, later))).toBe('SEATS_NO_LONGER_HELD');
    await confirmSeats(em(), hold.holdId);
    expect(await codeOf(extendHold(em(), hold.holdId, later))).toBe('SEATS_NO_LONGER_HELD');
    expect(await expiries(hold.holdId)).toEqual([null, null]);
    expect(await codeOf(extendHold(em(), randomUUID(), later))).toBe('SEATS_NO_LONGER_HELD');
  });

  it('caps the seats one customer holds per event at once', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const customerId = randomUUID();
    const mine = (seatIds: string[]) => request(event.eventId, { seatIds }, { customerId, maxSeatsPerCustomer: 4 });
    await holdSeats(em(), mine(event.seatIds.slice(0, 3)));
    expect(await codeOf(holdSeats(em(), mine(event.seatIds.slice(3, 5))))).toBe('HOLD_LIMIT_EXCEEDED');
    // Parallel requests cannot both slip under the cap.
    const parallel = await Promise.all([
      codeOf(holdSeats(em(), mine([event.seatIds[5]!]))),
      codeOf(holdSeats(em(), mine([event.seatIds[6]!]))),
    ]);
    expect(parallel.sort()).toEqual(['HOLD_LIMIT_EXCEEDED', 'ok']);
    // Another customer is not affected.
    expect(await codeOf(holdSeats(em(), request(event.eventId, { seatIds: event.seatIds.slice(7, 11) }, { maxSeatsPerCustomer: 4 })))).toBe(
      'ok',
    );
  });

  it('picks adjacent seats in one row for best available, at the price of their section, fixed for the hold', async () => {
    const event = await eventOnSale(
      eventsCtx(orm),
      [
        {
          name: 'Front',
          rows: [
            { label: 'A', seats: 6 },
            { label: 'B', seats: 6 },
          ],
          blocked: ['A-3'],
        },
        { name: 'Back', rows: [{ label: 'C', seats: 4 }] },
      ],
      [9_000, 4_500],
    );
    // Row A has runs 1-2 and 4-6 (A-3 is blocked): three together fit in A-4..A-6.
    const three = await holdSeats(em(), request(event.eventId, { sectionId: event.sections[0]!.id, quantity: 3 }));
    expect(three.seats.map((s) => s.label)).toEqual(['Front A-4', 'Front A-5', 'Front A-6']);
    expect(three.seats.every((s) => s.priceMinor === 9_000 && s.currency === 'EUR')).toBe(true);
    expect(three.totalMinor).toBe(27_000);
    const four = await holdSeats(em(), request(event.eventId, { sectionId: event.sections[0]!.id, quantity: 4 }));
    expect(four.seats.map((s) => s.label)).toEqual(['Front B-1', 'Front B-2', 'Front B-3', 'Front B-4']);
    // Not enough adjacent seats anywhere: the front-most free ones.
    const scattered = await holdSeats(em(), request(event.eventId, { sectionId: event.sections[0]!.id, quantity: 4 }));
    expect(scattered.seats.map((s) => s.label)).toEqual(['Front A-1', 'Front A-2', 'Front B-5', 'Front B-6']);
    expect(await codeOf(holdSeats(em(), request(event.eventId, { sectionId: event.sections[0]!.id, quantity: 1 })))).toBe(
      'SEATS_UNAVAILABLE',
    );
    expect((await holdSeats(em(), request(event.eventId, { sectionId: event.sections[1]!.id, quantity: 2 }))).totalMinor).toBe(9_000);
  });

  it('refuses seats that are not for sale and events that are not on sale', async () => {
    const event = await eventOnSale(eventsCtx(orm), [{ name: 'Only', rows: [{ label: 'A', seats: 3 }], blocked: ['A-3'] }]);
    const blocked = (await seatMap(em(), event.eventId)).find((s) => s.status === 'blocked')!;
    expect(await codeOf(holdSeats(em(), request(event.eventId, { seatIds: [blocked.seatId] })))).toBe('SEAT_NOT_FOUND');
    expect(await codeOf(holdSeats(em(), request(randomUUID(), { seatIds: [event.seatIds[0]!] })))).toBe('EVENT_NOT_FOUND');
    await em().execute(`update event set status = 'cancelled' where id = ?`, [event.eventId]);
    expect(await codeOf(holdSeats(em(), request(event.eventId, { seatIds: [event.seatIds[0]!] })))).toBe('EVENT_NOT_ON_SALE');
  });

  it('answers the booking saga through activities: refusals are non-retryable failures typed by their code', async () => {
    const event = await eventOnSale(eventsCtx(orm));
    const activities = createEventsActivities({ orm, maxSeatsPerCustomer: 10 });
    const input = {
      holdId: randomUUID(),
      eventId: event.eventId,
      customerId: randomUUID(),
      selection: { seatIds: [event.seatIds[0]!] },
      until: soon().toISOString(),
    };
    expect((await activities.holdSeats(input)).seats).toHaveLength(1);
    const refused = await activities.holdSeats({ ...input, holdId: randomUUID() }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'SEATS_UNAVAILABLE', nonRetryable: true });
    expect(await activities.extendHold({ holdId: input.holdId, until: soon(900_000).toISOString() })).toMatchObject({ seats: 1 });
    await activities.releaseSeats(input.holdId);
    // One at a time: a refusal made before its catch is attached would go unhandled.
    for (const after of [
      () => activities.confirmSeats(input.holdId),
      () => activities.extendHold({ holdId: input.holdId, until: soon().toISOString() }),
    ]) {
      expect(await after().catch((err: unknown) => err)).toMatchObject({ type: 'SEATS_NO_LONGER_HELD', nonRetryable: true });
    }
  });
});
