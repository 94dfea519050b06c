// The on-sale's parts on their own: admission tokens and queue tickets bound to their account and event, the join
// limits, the settings copy each process keeps, the automatic rate, and the admitter's step against the bookings
// database with a stand-in events service (what it admits, when it says sold out).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnSaleActivities } from '../activities/on-sale.activities.ts';
import { openServiceOrm, type Orm } from '../common/db/orm.ts';
import { DomainError } from '../common/errors/domain-error.ts';
import { queueTicketIsFor, signAdmission, signQueueTicket, useAdmission, verifyAdmission } from '../domain/bookings/admission.ts';
import { onSaleCache, saveOnSale, type OnSaleRecord } from '../domain/bookings/on-sale.ts';
import { joinLimiter, joinQueue, readPlace } from '../domain/bookings/queue.ts';
import { AUTO_RATE, automaticRate } from '../workflows/on-sale-messages.ts';
import { ormSettings } from '../workers/services.ts';
import { testConfig } from './support/context.ts';

const config = testConfig();

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'none';
}

const record = (eventId = randomUUID()): OnSaleRecord => ({
  eventId,
  opensAt: new Date(),
  waitingRoom: true,
  admissionRatePerMinute: 'auto',
  admissionTtlSeconds: 600,
  maxSeatsPerCustomer: null,
  joinsPerAddressPerMinute: 3,
  currentRatePerMinute: null,
  openedAt: null,
  soldOutAt: null,
  updatedAt: new Date(),
  tokenSecret: Buffer.from(randomUUID()).toString('base64url'),
});

describe('admission tokens and queue tickets', () => {
  it('accept only the account and event they were signed for, and tell an expired admission apart', async () => {
    const event = record();
    const [me, other] = [randomUUID(), randomUUID()];
    const admission = { customerId: me, eventId: event.eventId, admissionId: randomUUID(), expiresAt: new Date(Date.now() + 60_000) };
    const token = await signAdmission(event, admission);
    expect(await verifyAdmission(event, token, me)).toMatchObject({ admissionId: admission.admissionId, customerId: me });
    expect(await refusal(verifyAdmission(event, token, other))).toBe('ADMISSION_REQUIRED');
    expect(await refusal(verifyAdmission(record(), token, me))).toBe('ADMISSION_REQUIRED');
    // Another event signed with the same key still names its own event.
    expect(await refusal(verifyAdmission({ ...event, eventId: randomUUID() }, token, me))).toBe('ADMISSION_REQUIRED');
    expect(await refusal(verifyAdmission(event, undefined, me))).toBe('ADMISSION_REQUIRED');
    expect(await refusal(verifyAdmission(event, `${token.slice(0, -2)}AA`, me))).toBe('ADMISSION_REQUIRED');
    const lapsed = await signAdmission(event, { ...admission, expiresAt: new Date(Date.now() - 2_000) });
    expect(await refusal(verifyAdmission(event, lapsed, me))).toBe('ADMISSION_EXPIRED');
    // A lapsed token of another account is no admission of this one, expired or not.
    expect(await refusal(verifyAdmission(event, lapsed, other))).toBe('ADMISSION_REQUIRED');

    const ticket = await signQueueTicket(event, me, '42');
    expect(await queueTicketIsFor(event, ticket, me)).toBe(true);
    expect(await queueTicketIsFor(event, ticket, other)).toBe(false);
    // An admission token is no queue ticket, nor the other way round.
    expect(await queueTicketIsFor(event, token, me)).toBe(false);
    expect(await refusal(verifyAdmission(event, ticket, me))).toBe('ADMISSION_REQUIRED');
  });
});

describe('join limits', () => {
  it('count per address and per account in one-minute windows, answering when to come back', () => {
    let now = 0;
    const limiter = joinLimiter(() => now);
    const event = randomUUID();
    for (let i = 0; i < 3; i++) limiter.hit(event, '10.0.0.1', randomUUID(), 3);
    let refused: unknown;
    try {
      limiter.hit(event, '10.0.0.1', randomUUID(), 3);
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: 60 } });
    // Another address is counted on its own; the window's end lets the first one in again.
    limiter.hit(event, '10.0.0.2', randomUUID(), 3);
    now = 60_000;
    limiter.hit(event, '10.0.0.1', randomUUID(), 3);
    const account = randomUUID();
    expect(() => {
      for (let i = 0; i < 21; i++) limiter.hit(event, `10.1.0.${i}`, account, 100);
    }).toThrow(/account/);
  });
});

describe('the automatic rate', () => {
  it('starts at its start rate, then follows twice the holds made, within its bounds', () => {
    expect(automaticRate(10_000, 5_000)).toBe(AUTO_RATE.start);
    expect(automaticRate(120_000, 500)).toBe(1_000);
    expect(automaticRate(120_000, 0)).toBe(AUTO_RATE.min);
    expect(automaticRate(120_000, 1_000_000)).toBe(AUTO_RATE.max);
  });
});

describe('the on-sale in the bookings database', () => {
  let orm: Orm;
  let events: Server;
  let totals = { available: 0, held: 0 };
  let activities: ReturnType<typeof createOnSaleActivities>;

  const newEvent = async (change: Partial<Parameters<typeof saveOnSale>[2]> = {}) => {
    const eventId = randomUUID();
    await orm.em
      .fork()
      .execute(
        `insert into event_catalog (event_id, title, venue_name, starts_at, status, occurred_at) values (?, 'On-sale test', 'Hall', now() + interval '30 days', 'published', now())`,
        [eventId],
      );
    const { record: saved } = await saveOnSale(orm.em.fork(), eventId, {
      opensAt: new Date(Date.now() - 1_000),
      waitingRoom: true,
      admissionRatePerMinute: 'auto',
      admissionTtlSeconds: 600,
      maxSeatsPerCustomer: null,
      joinsPerAddressPerMinute: 30,
      ...change,
    });
    return saved;
  };

  beforeAll(async () => {
    orm = await openServiceOrm(ormSettings('bookings', config), { migrate: false });
    events = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ totals }));
    });
    await new Promise<void>((resolve) => events.listen(0, '127.0.0.1', resolve));
    activities = createOnSaleActivities({ orm, eventsUrls: [`http://127.0.0.1:${(events.address() as AddressInfo).port}`] });
  });
  afterAll(async () => {
    await orm?.close();
    events?.close();
  });

  it('keeps one copy of an event’s settings per process for a moment, shared by the reads that come together', async () => {
    let now = 0;
    const saved = await newEvent();
    const cache = onSaleCache(orm, 1_000, () => now);
    const [a, b] = await Promise.all([cache.get(saved.eventId), cache.get(saved.eventId)]);
    expect(a).toBe(b);
    await saveOnSale(orm.em.fork(), saved.eventId, { ...saved, waitingRoom: false });
    expect((await cache.get(saved.eventId))!.waitingRoom).toBe(true);
    now = 1_000;
    expect((await cache.get(saved.eventId))!.waitingRoom).toBe(false);
    expect(await cache.get(randomUUID())).toBeNull();
  });

  it('admits no more customers than seats are free beyond the admissions outstanding, in rank order', async () => {
    const saved = await newEvent();
    const customers = Array.from({ length: 5 }, () => randomUUID());
    for (const customer of customers) await joinQueue(orm.em.fork(), saved, customer);
    totals = { available: 2, held: 0 };
    const first = await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 });
    expect([first.admitted, first.outstanding, first.waiting, first.soldOut]).toEqual([2, 2, 3, false]);
    // The two admitted still may take both seats: nothing more until one is used, lapses or a seat comes free.
    expect((await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 })).admitted).toBe(0);
    const places = await Promise.all(customers.map((c) => readPlace(orm.em.fork(), saved.eventId, c)));
    // Later arrivals (the opening had passed) are admitted in the order they joined.
    expect(places.map((p) => p!.state)).toEqual(['admitted', 'admitted', 'waiting', 'waiting', 'waiting']);
    expect(places.slice(2).map((p) => p!.position)).toEqual([1, 2, 3]);

    // An admission holds once: the second use by another booking is refused.
    const admission = {
      customerId: customers[0]!,
      eventId: saved.eventId,
      admissionId: places[0]!.admissionId!,
      expiresAt: places[0]!.expiresAt!,
    };
    const bookingId = randomUUID();
    await useAdmission(orm.em.fork(), admission, bookingId);
    await useAdmission(orm.em.fork(), admission, bookingId);
    expect(await refusal(useAdmission(orm.em.fork(), admission, randomUUID()))).toBe('ADMISSION_USED');
  });

  it('turns everyone still waiting sold out in one step once no seat is free or held, and not while one is held', async () => {
    const saved = await newEvent({ opensAt: new Date(Date.now() + 60_000) });
    const customers = Array.from({ length: 4 }, () => randomUUID());
    for (const customer of customers) await joinQueue(orm.em.fork(), saved, customer);
    expect((await readPlace(orm.em.fork(), saved.eventId, customers[0]!))!.state).toBe('pre_queue');
    await saveOnSale(orm.em.fork(), saved.eventId, { ...saved, opensAt: new Date(Date.now() - 1_000) });
    totals = { available: 0, held: 1 };
    const held = await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 });
    expect([held.ranked, held.admitted, held.soldOut, held.waiting]).toEqual([4, 0, false, 4]);
    totals = { available: 0, held: 0 };
    const sold = await activities.admitterStep({ eventId: saved.eventId, maxAdmissions: 10, ratePerMinute: 600 });
    expect([sold.soldOut, sold.waiting]).toEqual([true, 0]);
    const places = await Promise.all(customers.map((c) => readPlace(orm.em.fork(), saved.eventId, c)));
    expect(places.map((p) => p!.state)).toEqual(['sold_out', 'sold_out', 'sold_out', 'sold_out']);
    expect(await refusal(joinQueue(orm.em.fork(), saved, randomUUID()))).toBe('EVENT_SOLD_OUT');
  });
});
