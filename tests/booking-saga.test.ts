// The booking saga end to end, through the gateway, against the real Temporal dev server, PostgreSQL and workers:
// every story ends with the invariant checker at zero violations.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { connectTemporal, type Temporal } from '../common/temporal/temporal.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../domain/invariants.ts';
import type { TestGateway } from '../domain/payments/gateways/test-gateway.ts';
import { paymentsContext } from '../domain/payments/gateways/registry.ts';
import { startService, testConfig, testLogger } from './support/context.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import { caller, type Caller } from './support/http.ts';
import { activitiesOf, workflowTaskWorkers } from './support/histories.ts';
import { startPlatformWithWorkerProcess, type PlatformWithWorkerProcess } from './support/platform.ts';
import { ADMIN, newCustomer, signIn } from './support/users.ts';
import { until } from './support/wait.ts';

const HISTORIES = new URL('./histories/', import.meta.url);

// Holds outlast any sequence a test runs on a loaded machine; every story ends its bookings itself, and the expiry
// story takes its hold from a bookings instance of its own whose holds are short.
const ENV = { BOOKING_HOLD_TTL_SECONDS: '300', TEST_GATEWAY_SLOW_MS: '7000' };

describe('the booking saga', () => {
  let platform: PlatformWithWorkerProcess;
  let api: Caller;
  let adminToken: string;
  let ledger: TestGateway;
  let temporal: Temporal;
  const events: string[] = [];

  /** Waits for the saga to end; with RECORD_HISTORIES=1 its history becomes a replay fixture. */
  async function finished(workflowId: string, fixture: string): Promise<void> {
    const handle = temporal.client.workflow.getHandle(workflowId);
    await handle.result();
    if (process.env.RECORD_HISTORIES === '1') {
      writeFileSync(new URL(`${fixture}.json`, HISTORIES), `${historyToJSON(await handle.fetchHistory())}\n`);
    }
  }

  beforeAll(async () => {
    // The bookings service answers HTTP here; its worker (the sagas) runs in a process of its own that a test kills.
    platform = await startPlatformWithWorkerProcess('bookings', ENV);
    api = platform.api;
    adminToken = (await signIn(api, ADMIN.email, ADMIN.password)).accessToken;
    ledger = paymentsContext(testConfig(), platform.orms.payments).gateways.get('test') as TestGateway;
    temporal = await connectTemporal(testConfig());
  }, 120_000);

  afterAll(async () => {
    await temporal?.close();
    await platform?.stop();
  });

  afterEach(async () => {
    // Every story ends with the invariants holding for the events it used.
    expect(await checkInvariants(platform.orms, { eventIds: events.splice(0), terminal: true })).toEqual([]);
  });

  async function onSale(seats = 20): Promise<TestEvent> {
    const rows = Array.from({ length: Math.ceil(seats / 10) }, (_, i) => ({
      label: String.fromCharCode(65 + i),
      seats: Math.min(10, seats - i * 10),
    }));
    const event = await eventOnSale(eventsCtx(platform.orms.events), [{ name: 'Hall', rows }]);
    events.push(event.eventId);
    return event;
  }

  const book = (token: string, eventId: string, seats: string[], key?: string) =>
    api('POST', '/bookings', { token, body: { eventId, seats }, headers: key ? { 'idempotency-key': key } : {} });
  const pay = (token: string, id: string, paymentMethod = 'pm_card_visa') =>
    api('POST', `/bookings/${id}/pay`, { token, body: { gateway: 'test', paymentMethod } });
  const detail = async (token: string, id: string) => (await api('GET', `/bookings/${id}`, { token })).body;
  const settled = async (token: string, id: string, status: string, timeoutMs = 20_000) => {
    await until(async () => (await detail(token, id)).status === status, timeoutMs, 200);
    return detail(token, id);
  };
  const seatStatus = async (eventId: string) =>
    (await api('GET', `/events/${eventId}/seats`)).body.seats as { seatId: string; status: string }[];

  it('holds, pays and confirms: the happy path', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'happy');
    const held = await book(customer.accessToken, event.eventId, event.seatIds.slice(0, 2));
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({ status: 'HELD', amountMinor: 10_000, currency: 'EUR' });
    expect(held.body.seats.map((s: { label: string }) => s.label)).toEqual(['Hall A-1', 'Hall A-2']);
    expect(Date.parse(held.body.expiresAt)).toBeGreaterThan(Date.now());

    const paid = await pay(customer.accessToken, held.body.id);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('CONFIRMED');
    const booking = await settled(customer.accessToken, held.body.id, 'CONFIRMED');
    expect(booking.history.map((h: { to: string }) => h.to)).toEqual(['PENDING', 'HELD', 'PAYING', 'CONFIRMED']);
    expect(booking.workflowUrl).toContain(`/workflows/booking-${held.body.id}`);
    expect(booking.paymentId).toBe(paid.body.paymentId);
    // The list names the event from the catalog projection, filled by event.published over RabbitMQ.
    await until(async () => (await api('GET', '/bookings', { token: customer.accessToken })).body.items[0]?.event !== null, 10_000, 200);
    expect((await api('GET', '/bookings', { token: customer.accessToken })).body.items[0].event).toMatchObject({
      venueName: expect.any(String),
      status: 'published',
    });
    expect((await seatStatus(event.eventId)).filter((s) => s.status === 'sold').map((s) => s.seatId)).toEqual(event.seatIds.slice(0, 2));
    // Another customer cannot see it, pay it or cancel it.
    const other = await newCustomer(api, 'other');
    expect((await api('GET', `/bookings/${held.body.id}`, { token: other.accessToken })).status).toBe(404);
    expect((await pay(other.accessToken, held.body.id)).status).toBe(404);
    await finished(`booking-${held.body.id}`, 'booking.confirmed');
  });

  it('answers the same Idempotency-Key with the same booking, and another customer’s key with another', async () => {
    const event = await onSale();
    const [a, b] = [await newCustomer(api, 'key-a'), await newCustomer(api, 'key-b')];
    const key = randomUUID();
    const first = await book(a.accessToken, event.eventId, [event.seatIds[0]!], key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.status).toBe('HELD');
    const again = await book(a.accessToken, event.eventId, [event.seatIds[0]!], key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const theirs = await book(b.accessToken, event.eventId, [event.seatIds[1]!], key);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(first.body.id);
    for (const [customer, id] of [
      [a, first.body.id],
      [b, theirs.body.id],
    ] as const) {
      expect((await api('POST', `/bookings/${id}/cancel`, { token: customer.accessToken })).body.status).toBe('CANCELLED');
    }
  });

  it('expires an unpaid hold: the seats are on sale again and a late payment is refused', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'late');
    // A bookings instance whose holds last 2 s; the saga's timer, not the test, ends this one.
    const brief = await startService(
      'bookings',
      testConfig({ ...ENV, ...platform.overrides, SERVICE_MODE: 'api', BOOKING_HOLD_TTL_SECONDS: '2' }),
      testLogger(),
    );
    let held;
    try {
      held = await caller(`http://127.0.0.1:${brief.port}`)('POST', '/bookings', {
        token: customer.accessToken,
        body: { eventId: event.eventId, seats: [event.seatIds[5]] },
      });
    } finally {
      await brief.stop();
    }
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const booking = await settled(customer.accessToken, held.body.id, 'EXPIRED');
    expect(booking.history.at(-1)).toMatchObject({ from: 'HELD', to: 'EXPIRED', actor: 'system' });
    expect((await seatStatus(event.eventId)).find((s) => s.seatId === event.seatIds[5])!.status).toBe('available');
    const late = await pay(customer.accessToken, held.body.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('BOOKING_NOT_HELD');
    await finished(`booking-${held.body.id}`, 'booking.expired');
  });

  it('keeps a declined booking HELD, then confirms it with another card', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'declined');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[3]!]);
    const declined = await pay(customer.accessToken, held.body.id, 'pm_card_visa_chargeDeclined');
    expect(declined.status).toBe(402);
    expect(declined.body.code).toBe('CARD_DECLINED');
    expect((await detail(customer.accessToken, held.body.id)).status).toBe('HELD');
    const paid = await pay(customer.accessToken, held.body.id);
    expect(paid.body.status).toBe('CONFIRMED');
    expect((await ledger.ledger({ idempotencyKeyPrefix: held.body.id })).filter((op) => op.outcome === 'captured')).toHaveLength(1);
    await finished(`booking-${held.body.id}`, 'booking.declined-then-paid');
  });

  it('cancels before payment (seats released) and after confirmation (refunded, seats back on sale)', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'cancel');
    const early = await book(customer.accessToken, event.eventId, [event.seatIds[0]!]);
    const cancelled = await api('POST', `/bookings/${early.body.id}/cancel`, {
      token: customer.accessToken,
      body: { reason: 'changed my mind' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await seatStatus(event.eventId)).find((s) => s.seatId === event.seatIds[0])!.status).toBe('available');

    const late = await book(customer.accessToken, event.eventId, [event.seatIds[1]!]);
    await pay(customer.accessToken, late.body.id);
    const refunded = await api('POST', `/bookings/${late.body.id}/cancel`, { token: customer.accessToken });
    expect([200, 202]).toContain(refunded.status);
    const after = await settled(customer.accessToken, late.body.id, 'REFUNDED');
    expect(after.refundedMinor).toBe(5_000);
    expect((await seatStatus(event.eventId)).find((s) => s.seatId === event.seatIds[1])!.status).toBe('available');
    const payment = await api('GET', `/payments/${after.paymentId}`, { token: customer.accessToken });
    expect(payment.body).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });
    await finished(`booking-${early.body.id}`, 'booking.cancelled-before-payment');
    await finished(`booking-cancellation-${late.body.id}`, 'booking-cancellation.refunded');
  });

  it('refunds a payment whose seats were lost while it was in flight, and keeps no money without seats', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'race');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[7]!]);
    // The slow test card captures at once but answers after 7 s; meanwhile an operator frees the seat in the inventory.
    const paying = pay(customer.accessToken, held.body.id, 'pm_card_visa_slow');
    await until(async () => (await ledger.ledger({ idempotencyKeyPrefix: held.body.id })).length > 0, 10_000, 50);
    await platform.orms.events.em
      .fork()
      .execute(`update seat_inventory set status = 'available', hold_id = null, customer_id = null, expires_at = null where hold_id = ?`, [
        held.body.id,
      ]);
    const paid = await paying;
    expect(paid.status).toBe(409);
    expect(paid.body.code).toBe('SEATS_NO_LONGER_HELD');
    const booking = await settled(customer.accessToken, held.body.id, 'REFUNDED');
    const payment = await api('GET', `/payments/${booking.paymentId}`, { token: customer.accessToken });
    expect(payment.body).toMatchObject({ status: 'REFUNDED', capturedMinor: 5_000, refundedMinor: 5_000 });
    await finished(`booking-${held.body.id}`, 'booking.seats-lost-while-paying');
  }, 30_000);

  it('cancels an event: its holds are cancelled and its bookings refunded', async () => {
    const event = await onSale();
    const customers = [await newCustomer(api, 'ev-1'), await newCustomer(api, 'ev-2'), await newCustomer(api, 'ev-3')];
    const ids: string[] = [];
    for (const [i, customer] of customers.entries()) {
      const held = await book(customer.accessToken, event.eventId, [event.seatIds[i]!]);
      ids.push(held.body.id);
      if (i > 0) expect((await pay(customer.accessToken, held.body.id)).body.status).toBe('CONFIRMED');
    }
    const cancelled = await api('POST', `/events/${event.eventId}/cancel`, { token: adminToken, body: { reason: 'storm' } });
    expect(cancelled.status).toBe(200);
    expect((await settled(customers[0]!.accessToken, ids[0]!, 'CANCELLED')).history.at(-1).actor).toBe('event-cancellation');
    expect((await settled(customers[1]!.accessToken, ids[1]!, 'REFUNDED')).refundedMinor).toBe(5_000);
    expect((await settled(customers[2]!.accessToken, ids[2]!, 'REFUNDED')).refundedMinor).toBe(5_000);
    await finished(`event-cancellation-${event.eventId}`, 'event-cancellation.completed');
  }, 40_000);

  it('finishes a booking on a restarted worker after its worker was killed between hold and charge', async () => {
    const event = await onSale();
    const customer = await newCustomer(api, 'crash');
    const held = await book(customer.accessToken, event.eventId, [event.seatIds[9]!]);
    expect(held.body.status, JSON.stringify(held.body)).toBe('HELD');
    const killed = platform.worker.identity;
    const restarted = (await platform.restartWorker()).identity;
    expect(restarted).not.toBe(killed);
    // The saga's next workflow task first waits out the dead worker's sticky queue, then goes to the restarted one.
    const paid = await pay(customer.accessToken, held.body.id);
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('CONFIRMED');
    expect((await settled(customer.accessToken, held.body.id, 'CONFIRMED')).history.map((h: { to: string }) => h.to)).toEqual([
      'PENDING',
      'HELD',
      'PAYING',
      'CONFIRMED',
    ]);
    // The history names who did the work: the killed worker up to the hold, the restarted one from the payment on.
    const handle = temporal.client.workflow.getHandle(`booking-${held.body.id}`);
    await handle.result();
    const history = await handle.fetchHistory();
    const tasks = workflowTaskWorkers(history);
    const firstRestarted = tasks.indexOf(restarted);
    expect(firstRestarted, JSON.stringify(tasks)).toBeGreaterThan(0);
    expect(new Set(tasks.slice(0, firstRestarted))).toEqual(new Set([killed]));
    expect(new Set(tasks.slice(firstRestarted))).toEqual(new Set([restarted]));
    // The saga's last steps, recording PAYING and CONFIRMED, ran on the restarted worker too.
    const recorded = activitiesOf(history).filter((a) => a.name === 'recordTransition');
    expect(recorded.slice(-2).map((a) => a.worker)).toEqual([restarted, restarted]);
  }, 90_000);
});
