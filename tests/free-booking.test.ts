// Bookings that cost nothing: paid with the free gateway they are confirmed without a card and without any payment,
// on the real platform (gateway, services, Temporal, PostgreSQL, RabbitMQ) and over stub activities (no payments
// activity is asked at all). The free gateway on a booking that costs something is refused, and it stays payable.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventsActivities } from '../activities/events.activities.ts';
import { holdWithStart } from '../api/bookings/booking-saga-client.ts';
import { connectTemporal } from '../common/temporal/temporal.ts';
import { checkInvariants } from '../domain/invariants.ts';
import { bookingWorkflowId, payUpdate } from '../workflows/booking-messages.ts';
import type { BookingInput } from '../workflows/booking-types.ts';
import type { bookingWorkflow } from '../workflows/booking.workflow.ts';
import { testConfig } from './support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import type { Caller } from './support/http.ts';
import { mailTo } from './support/mail.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { createStubServices } from './support/stub-services.ts';
import { startStubTemporal, type StubTemporal } from './support/stub-temporal.ts';
import { newCustomer } from './support/users.ts';
import { until } from './support/wait.ts';

const ENV = { BOOKING_HOLD_TTL_SECONDS: '30' };

describe('free bookings on the platform', () => {
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

  async function onSale(priceMinor: number): Promise<TestEvent> {
    const event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows: [{ label: 'A', seats: 6 }] }], [priceMinor]);
    events.push(event.eventId);
    return event;
  }

  /** With RECORD_HISTORIES=1 the saga's history becomes a replay fixture (tests/workflow-replay.test.ts). */
  async function recordHistory(workflowId: string, fixture: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const temporal = await connectTemporal(testConfig());
    try {
      const handle = temporal.client.workflow.getHandle(workflowId);
      await handle.result();
      writeFileSync(new URL(`./histories/${fixture}.json`, import.meta.url), `${historyToJSON(await handle.fetchHistory())}\n`);
    } finally {
      await temporal.close();
    }
  }

  const book = (token: string, eventId: string, seats: string[]) => api('POST', '/bookings', { token, body: { eventId, seats } });
  const pay = (token: string, id: string, body: Record<string, unknown>) => api('POST', `/bookings/${id}/pay`, { token, body });
  const detail = async (token: string, id: string) => (await api('GET', `/bookings/${id}`, { token })).body;
  const seatStatus = async (eventId: string, seatId: string) =>
    ((await api('GET', `/events/${eventId}/seats`)).body.seats as { seatId: string; status: string }[]).find((s) => s.seatId === seatId)!
      .status;
  const paymentsOf = (bookingId: string) =>
    platform.orms.payments.em.fork().execute<{ id: string }[]>('select id from payment where booking_id = ?', [bookingId]);
  const gatewayCalls = (bookingId: string) =>
    platform.orms.payments.em
      .fork()
      .execute<{ kind: string }[]>("select kind from test_gateway_operation where split_part(idempotency_key, ':', 1) = ?", [bookingId]);

  it('confirms a free booking with the free gateway: no card, no payment, no receipt, and the tickets’ email', async () => {
    const event = await onSale(0);
    const customer = await newCustomer(api, 'free');
    const held = await book(customer.accessToken, event.eventId, event.seatIds.slice(0, 2));
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({ status: 'HELD', amountMinor: 0, currency: 'EUR' });

    const paid = await pay(customer.accessToken, held.body.id, { gateway: 'free' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'CONFIRMED', paymentId: null, amountMinor: 0, failureCode: null });
    await until(async () => (await detail(customer.accessToken, held.body.id)).status === 'CONFIRMED', 10_000, 100);
    const booking = await detail(customer.accessToken, held.body.id);
    expect(booking.history.map((h: { to: string }) => h.to)).toEqual(['PENDING', 'HELD', 'CONFIRMED']);
    expect(booking.paymentId).toBeNull();
    for (const seatId of event.seatIds.slice(0, 2)) expect(await seatStatus(event.eventId, seatId)).toBe('sold');

    // Nothing reached the payments service or any gateway.
    expect(await paymentsOf(held.body.id)).toEqual([]);
    expect(await gatewayCalls(held.body.id)).toEqual([]);

    // The tickets reached the customer: the confirmation email with their PDF, and no receipt (nothing was paid).
    const mail = await mailTo(customer.email, /confirmed/, 20_000);
    expect(mail.body).not.toContain('You paid');
    expect(mail.raw).toContain('Content-Type: application/pdf');
    const inbox = (await api('GET', '/users/me/notifications', { token: customer.accessToken })).body.items as {
      kind: string;
      body: string;
    }[];
    expect(inbox.map((n) => n.kind)).toEqual(['booking_confirmed']);
    expect(inbox[0]!.body).toContain('A-1');
    await recordHistory(`booking-${held.body.id}`, 'booking.free-confirmed');
  });

  it('refuses the free gateway on a booking that costs something: it stays HELD and a card pays it', async () => {
    const event = await onSale(2_500);
    const customer = await newCustomer(api, 'not-free');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[0]!]);
    expect(held.body).toMatchObject({ status: 'HELD', amountMinor: 2_500 });

    const refused = await pay(customer.accessToken, held.body.id, { gateway: 'free' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.code).toBe('NOT_FREE');
    expect(await detail(customer.accessToken, held.body.id)).toMatchObject({ status: 'HELD', paymentId: null });
    expect(await paymentsOf(held.body.id)).toEqual([]);

    const paid = await pay(customer.accessToken, held.body.id, { gateway: 'test', paymentMethod: 'pm_card_visa' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'CONFIRMED', amountMinor: 2_500 });
    expect(await paymentsOf(held.body.id)).toHaveLength(1);
  });

  it('refuses a card on a free booking and a card gateway without a payment method; the free gateway then confirms it', async () => {
    const event = await onSale(0);
    const customer = await newCustomer(api, 'free-card');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[0]!]);
    const card = await pay(customer.accessToken, held.body.id, { gateway: 'test', paymentMethod: 'pm_card_visa' });
    expect(card.status, JSON.stringify(card.body)).toBe(409);
    expect(card.body.code).toBe('BOOKING_IS_FREE');
    const noMethod = await pay(customer.accessToken, held.body.id, { gateway: 'test' });
    expect(noMethod.status, JSON.stringify(noMethod.body)).toBe(422);
    expect(await detail(customer.accessToken, held.body.id)).toMatchObject({ status: 'HELD' });
    expect(await gatewayCalls(held.body.id)).toEqual([]);
    expect((await pay(customer.accessToken, held.body.id, { gateway: 'free' })).body.status).toBe('CONFIRMED');
  });

  it('cancels a free hold before it is confirmed: the seats are back on sale, nothing was paid', async () => {
    const event = await onSale(0);
    const customer = await newCustomer(api, 'free-cancel');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[0]!]);
    const cancelled = await api('POST', `/bookings/${held.body.id}/cancel`, { token: customer.accessToken });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', paymentId: null });
    expect(await seatStatus(event.eventId, event.seatIds[0]!)).toBe('available');
    expect(await paymentsOf(held.body.id)).toEqual([]);
  });

  it('cancels a free confirmed booking: the seats are back on sale and nothing is refunded', async () => {
    const event = await onSale(0);
    const customer = await newCustomer(api, 'free-cancel-late');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[1]!]);
    expect((await pay(customer.accessToken, held.body.id, { gateway: 'free' })).body.status).toBe('CONFIRMED');
    await until(async () => (await detail(customer.accessToken, held.body.id)).status === 'CONFIRMED', 10_000, 100);
    const answer = await api('POST', `/bookings/${held.body.id}/cancel`, { token: customer.accessToken });
    expect([200, 202], JSON.stringify(answer.body)).toContain(answer.status);
    const ended = async () => {
      const b = await detail(customer.accessToken, held.body.id);
      return b.status !== 'CONFIRMED' || b.failureCode !== null;
    };
    await until(ended, 15_000, 200);
    const after = await detail(customer.accessToken, held.body.id);
    expect(after).toMatchObject({ status: 'CANCELLED', refundedMinor: 0, paymentId: null, failureCode: null });
    expect(await seatStatus(event.eventId, event.seatIds[1]!)).toBe('available');
    expect(await paymentsOf(held.body.id)).toEqual([]);
  }, 40_000);
});

describe('a free booking over stub activities', { timeout: 10_000 }, () => {
  const stubs = createStubServices();
  const { calls } = stubs;
  const free = new Set<string>();
  let temporal: StubTemporal;

  // The stub events service prices every seat; these bookings' seats cost nothing.
  const events: EventsActivities = {
    ...stubs.events.activities,
    async holdSeats(input) {
      const hold = await stubs.events.activities.holdSeats(input);
      if (!free.has(input.holdId)) return hold;
      return { ...hold, seats: hold.seats.map((s) => ({ ...s, priceMinor: 0 })), totalMinor: 0 };
    },
  };

  beforeAll(async () => {
    temporal = await startStubTemporal({ events, payments: stubs.payments.activities, bookings: stubs.bookings.activities });
  }, 60_000);

  afterAll(async () => {
    await temporal?.stop();
  });

  function newBooking(): BookingInput {
    const input: BookingInput = {
      bookingId: randomUUID(),
      customerId: randomUUID(),
      eventId: randomUUID(),
      selection: { seatIds: [randomUUID()] },
      holdTtlMs: 10_000,
      requestedAt: new Date().toISOString(),
    };
    free.add(input.bookingId);
    return input;
  }

  const saga = (input: BookingInput) => temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(input.bookingId));
  const payments = ['chargePayment', 'refundPayment', 'voidPayment', 'undoCharge'] as const;
  const paymentCalls = (bookingId: string) => payments.flatMap((activity) => calls.of(bookingId, activity));

  it('goes HELD → CONFIRMED without asking any payments activity', async () => {
    const input = newBooking();
    expect(await holdWithStart(temporal.client, input)).toMatchObject({ ok: true, booking: { status: 'HELD', amountMinor: 0 } });
    const paid = await saga(input).executeUpdate(payUpdate, { args: [{ customerId: input.customerId, gateway: 'free' }] });
    expect(paid).toMatchObject({ ok: true, booking: { status: 'CONFIRMED', paymentId: null, amountMinor: 0 } });
    expect((await saga(input).result()).status).toBe('CONFIRMED');
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'CONFIRMED']);
    expect(calls.of(input.bookingId, 'recordTransition').at(-1)![0]).toMatchObject({ to: 'CONFIRMED', paymentId: null });
    expect(calls.of(input.bookingId, 'confirmSeats')).toHaveLength(1);
    expect(paymentCalls(input.bookingId)).toEqual([]);
  });

  it('expires a free booking whose seats were lost before the sale, charging and refunding nothing', async () => {
    const input = newBooking();
    await holdWithStart(temporal.client, input);
    stubs.events.lose(input.bookingId);
    const paid = await saga(input).executeUpdate(payUpdate, { args: [{ customerId: input.customerId, gateway: 'free' }] });
    expect(paid).toMatchObject({ ok: false, code: 'SEATS_NO_LONGER_HELD', booking: { status: 'EXPIRED', paymentId: null } });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'EXPIRED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toHaveLength(1);
    expect(paymentCalls(input.bookingId)).toEqual([]);
  });
});
