// Refunds of a booking's payment go through the booking, on the real platform: a full refund by an admin cancels the
// booking and returns its seats, a partial one shows on it, and a cancellation afterwards refunds only what is left.
// Every story ends with the invariant checker at zero violations.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { refundTag } from '../api/payments/booking-refunds.ts';
import { bookingRefundWorkflowId } from '../workflows/booking-refund.workflow.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import { moneyStories, keepHistory } from './support/money-stories.ts';
import { newCustomer } from './support/users.ts';
import { until } from './support/wait.ts';

describe('refunds through the booking', () => {
  const stories = moneyStories();
  const { api, events, refunds } = stories;

  async function onSale(): Promise<TestEvent> {
    const event = await eventOnSale(
      eventsCtx(stories.platform.orms.events),
      [{ name: 'Hall', rows: [{ label: 'A', seats: 10 }] }],
      [5_000],
    );
    events.push(event.eventId);
    return event;
  }

  async function held(event: TestEvent, seat: number) {
    const customer = await newCustomer(api, 'refund');
    const hold = await api('POST', '/bookings', {
      token: customer.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[seat]] },
    });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    return { token: customer.accessToken, bookingId: hold.body.id as string };
  }

  async function confirmed(event: TestEvent, seat = 0) {
    const booking = await held(event, seat);
    const paid = await api('POST', `/bookings/${booking.bookingId}/pay`, {
      token: booking.token,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status).toBe('CONFIRMED');
    return { ...booking, paymentId: paid.body.paymentId as string };
  }

  /** The refund request's workflow has ended; with RECORD_HISTORIES=1 its history becomes a replay fixture. */
  async function recorded(bookingId: string, key: string, fixture: string): Promise<void> {
    const handle = stories.temporal.client.workflow.getHandle(bookingRefundWorkflowId(bookingId, refundTag(key)));
    expect((await handle.result()) as unknown).toMatchObject({ ok: true });
    await keepHistory(handle, fixture);
  }

  const detail = async (token: string, id: string) => (await api('GET', `/bookings/${id}`, { token })).body;
  const refund = (paymentId: string, body: Record<string, unknown> = {}, key?: string) =>
    api('POST', `/payments/${paymentId}/refunds`, { token: stories.admin, body, headers: key ? { 'idempotency-key': key } : {} });
  const seatStatus = async (event: TestEvent, seat: number) =>
    ((await api('GET', `/events/${event.eventId}/seats`)).body as { seats: { seatId: string; status: string }[] }).seats.find(
      (s) => s.seatId === event.seatIds[seat],
    )?.status;
  const facts = async (bookingId: string, routingKey: string) =>
    Number(
      (
        await stories.platform.orms.bookings.em
          .fork()
          .execute<{ n: string }[]>(
            `select count(*) as n from outbox_message where routing_key = ? and payload->'data'->>'bookingId' = ?`,
            [routingKey, bookingId],
          )
      )[0]!.n,
    );

  it('cancels the booking on an admin’s full refund: REFUNDED, the seat back on sale, and a later cancel is a clear 409', async () => {
    const event = await onSale();
    const booking = await confirmed(event);

    const key = randomUUID();
    const refunded = await refund(booking.paymentId, { reason: 'venue double-booked' }, key);
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    await recorded(booking.bookingId, key, 'booking-refund.full');
    expect(refunded.body.refund).toMatchObject({ amountMinor: 5_000 });
    expect(refunded.body.payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });

    const after = await detail(booking.token, booking.bookingId);
    expect(after).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });
    expect(after.history.at(-1)).toMatchObject({ from: 'CONFIRMED', to: 'REFUNDED', actor: expect.stringMatching(/^admin:/) });
    expect(after.history.at(-1).reason).toMatch(/venue double-booked/);
    expect(await seatStatus(event, 0)).toBe('available');

    const cancel = await api('POST', `/bookings/${booking.bookingId}/cancel`, { token: booking.token });
    expect({ status: cancel.status, code: cancel.body.code }).toEqual({ status: 409, code: 'BOOKING_NOT_CANCELLABLE' });
    expect(cancel.body.detail).toMatch(/refunded/);
    expect(await refunds(booking.paymentId)).toEqual([5_000]);
  });

  it('shows a partial refund on the booking, which stays CONFIRMED; a cancellation then refunds only the rest', async () => {
    const event = await onSale();
    const booking = await confirmed(event);

    const key = randomUUID();
    const part = await refund(booking.paymentId, { amountMinor: 1_200, reason: 'obstructed view' }, key);
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    await recorded(booking.bookingId, key, 'booking-refund.partial');
    expect(part.body.payment).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedMinor: 1_200 });
    const after = await detail(booking.token, booking.bookingId);
    expect(after).toMatchObject({ status: 'CONFIRMED', refundedMinor: 1_200 });
    expect(after.history.at(-1)).toMatchObject({ from: 'CONFIRMED', to: 'CONFIRMED', actor: expect.stringMatching(/^admin:/) });
    expect(after.history.at(-1).reason).toMatch(/obstructed view/);
    expect(await seatStatus(event, 0)).toBe('sold');
    // The booking was confirmed once, whatever was written on it afterwards.
    expect(await facts(booking.bookingId, 'booking.confirmed.v1')).toBe(1);

    const cancel = await api('POST', `/bookings/${booking.bookingId}/cancel`, { token: booking.token });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body.status).toBe('REFUNDED');
    expect(await refunds(booking.paymentId)).toEqual([1_200, 3_800]);
    expect(await detail(booking.token, booking.bookingId)).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });
    expect(await seatStatus(event, 0)).toBe('available');
  });

  it('refuses an admin refund after the customer’s cancellation with a clear 409', async () => {
    const event = await onSale();
    const booking = await confirmed(event);
    const cancel = await api('POST', `/bookings/${booking.bookingId}/cancel`, { token: booking.token });
    expect(cancel.body.status).toBe('REFUNDED');

    const late = await refund(booking.paymentId, { reason: 'goodwill' });
    expect(late.status).toBe(409);
    expect(['PAYMENT_NOT_REFUNDABLE', 'BOOKING_ALREADY_CANCELLED']).toContain(late.body.code);
    expect(await refunds(booking.paymentId)).toEqual([5_000]);
  });

  it('lets an admin refund and a customer cancel at once: no 5xx, one full refund, the booking REFUNDED', async () => {
    const event = await onSale();
    const booking = await confirmed(event);
    const [byAdmin, byCustomer] = await Promise.all([
      refund(booking.paymentId, { reason: 'at once' }),
      api('POST', `/bookings/${booking.bookingId}/cancel`, { token: booking.token }),
    ]);
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBeLessThan(500);
    expect(byCustomer.status, JSON.stringify(byCustomer.body)).toBeLessThan(500);
    expect(byAdmin.status === 201 || byCustomer.status === 200).toBe(true);
    await until(async () => (await detail(booking.token, booking.bookingId)).status === 'REFUNDED', 20_000, 200);
    expect(await refunds(booking.paymentId)).toEqual([5_000]);
    expect(await seatStatus(event, 0)).toBe('available');
  });

  it('lets a partial refund and a cancellation race: no 5xx, all the money back once, the booking ended', async () => {
    const event = await onSale();
    const booking = await confirmed(event);
    const [part, cancel] = await Promise.all([
      refund(booking.paymentId, { amountMinor: 2_000, reason: 'racing' }),
      api('POST', `/bookings/${booking.bookingId}/cancel`, { token: booking.token }),
    ]);
    expect(part.status, JSON.stringify(part.body)).toBeLessThan(500);
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await until(async () => ['REFUNDED', 'CANCELLED'].includes((await detail(booking.token, booking.bookingId)).status), 20_000, 200);
    const made = await refunds(booking.paymentId);
    expect(made.reduce((a, b) => a + b, 0)).toBe(5_000);
    expect(made).toHaveLength(part.status === 201 ? 2 : 1);
    expect(await seatStatus(event, 0)).toBe('available');
  });

  it('ends an event cancellation over refunded, partially refunded, confirmed and held bookings', async () => {
    const event = await onSale();
    const [fully, partly, plain] = [await confirmed(event, 0), await confirmed(event, 1), await confirmed(event, 2)];
    const hold = await held(event, 3);
    expect((await refund(fully.paymentId)).status).toBe(201);
    expect((await refund(partly.paymentId, { amountMinor: 700 })).status).toBe(201);

    const cancelled = await api('POST', `/events/${event.eventId}/cancel`, { token: stories.admin, body: { reason: 'flood' } });
    expect(cancelled.status).toBe(200);
    await stories.temporal.client.workflow.getHandle(`event-cancellation-${event.eventId}`).result();

    const statuses = await Promise.all([fully, partly, plain, hold].map(async (b) => (await detail(b.token, b.bookingId)).status));
    expect(statuses).toEqual(['REFUNDED', 'REFUNDED', 'REFUNDED', 'CANCELLED']);
    expect(await refunds(partly.paymentId)).toEqual([700, 4_300]);
    expect(await refunds(plain.paymentId)).toEqual([5_000]);
    const [{ sold }] = (await stories.platform.orms.events.em
      .fork()
      .execute<{ sold: string }[]>(`select count(*) as sold from seat_inventory where event_id = ? and status = 'sold'`, [
        event.eventId,
      ])) as [{ sold: string }];
    expect(Number(sold)).toBe(0);
  });
});
