// Each event's cancellation policy on the real platform: organizers set it through the events API, the booking view
// shows what a cancel would refund now, customers cancel within its deadline and are refunded the price less the
// fee, and after the deadline or the start only an admin may cancel. The invariants hold after every story.
import { describe, expect, it } from 'vitest';
import { bookingCancellationWorkflowId } from '../workflows/booking-messages.ts';
import { eventOnSale, eventsCtx, type TestEvent } from './support/events.ts';
import { moneyStories, keepHistory } from './support/money-stories.ts';
import { newCustomer } from './support/users.ts';

const HOUR_MS = 3_600_000;

type Policy = { customersMayCancel: boolean; deadlineHoursBeforeStart: number; feeKind: 'none' | 'fixed' | 'percent'; feeValue: number };

describe('cancellation policies', () => {
  const stories = moneyStories();
  const { api, events, refunds } = stories;

  /** An event on sale at 5000 a seat, its policy and start set by the organizer through the API. */
  async function onSale(policy: Policy): Promise<TestEvent> {
    const event = await eventOnSale(
      eventsCtx(stories.platform.orms.events),
      [{ name: 'Hall', rows: [{ label: 'A', seats: 10 }] }],
      [5_000],
    );
    events.push(event.eventId);
    const changed = await api('PATCH', `/events/${event.eventId}`, { token: stories.admin, body: { cancellationPolicy: policy } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.cancellationPolicy).toEqual(policy);
    return event;
  }

  /** Moves the event's start; sales close with it, so this comes after the booking is paid. */
  const startsIn = async (event: TestEvent, ms: number) => {
    const moved = await api('PATCH', `/events/${event.eventId}`, {
      token: stories.admin,
      body: { startsAt: new Date(Date.now() + ms).toISOString() },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  };

  async function confirmed(event: TestEvent) {
    const customer = await newCustomer(api, 'policy');
    const hold = await api('POST', '/bookings', {
      token: customer.accessToken,
      body: { eventId: event.eventId, seats: [event.seatIds[0]] },
    });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    const paid = await api('POST', `/bookings/${hold.body.id}/pay`, {
      token: customer.accessToken,
      body: { gateway: 'test', paymentMethod: 'pm_card_visa' },
    });
    expect(paid.body.status).toBe('CONFIRMED');
    return { token: customer.accessToken, bookingId: hold.body.id as string, paymentId: paid.body.paymentId as string };
  }

  const detail = async (token: string, id: string) => (await api('GET', `/bookings/${id}`, { token })).body;
  const cancel = (token: string, id: string, reason?: string) =>
    api('POST', `/bookings/${id}/cancel`, { token, body: reason ? { reason } : {} });

  it('refunds the price less a fixed fee when a customer cancels before the deadline, and keeps the fee', async () => {
    const event = await onSale({ customersMayCancel: true, deadlineHoursBeforeStart: 48, feeKind: 'fixed', feeValue: 500 });
    const booking = await confirmed(event);
    expect((await detail(booking.token, booking.bookingId)).cancellation).toMatchObject({
      customerMayCancelNow: true,
      feeMinor: 500,
      refundNowMinor: 4_500,
      policy: { deadlineHoursBeforeStart: 48, feeKind: 'fixed', feeValue: 500 },
    });

    const cancelled = await cancel(booking.token, booking.bookingId);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(await refunds(booking.paymentId)).toEqual([4_500]);
    expect(await detail(booking.token, booking.bookingId)).toMatchObject({ status: 'CANCELLED', refundedMinor: 4_500, cancellation: null });
  });

  it('keeps no more than the fee when an admin refunds part while the customer cancels', async () => {
    const event = await onSale({ customersMayCancel: true, deadlineHoursBeforeStart: 0, feeKind: 'fixed', feeValue: 500 });
    const booking = await confirmed(event);
    const [part, cancelled] = await Promise.all([
      api('POST', `/payments/${booking.paymentId}/refunds`, { token: stories.admin, body: { amountMinor: 1_000, reason: 'goodwill' } }),
      cancel(booking.token, booking.bookingId),
    ]);
    expect(part.status, JSON.stringify(part.body)).toBeLessThan(500);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const after = await detail(booking.token, booking.bookingId);
    expect(after.status).toBe('CANCELLED');
    // Whichever came first, the payment keeps the fee and not a minor unit more.
    expect(5_000 - (await refunds(booking.paymentId)).reduce((a, b) => a + b, 0)).toBe(500);
    expect(after.refundedMinor).toBe(4_500);
  });

  it('keeps no more than the price: a fee above it cancels the booking with nothing refunded', async () => {
    const event = await onSale({ customersMayCancel: true, deadlineHoursBeforeStart: 0, feeKind: 'fixed', feeValue: 9_000 });
    const booking = await confirmed(event);
    expect((await detail(booking.token, booking.bookingId)).cancellation).toMatchObject({ feeMinor: 5_000, refundNowMinor: 0 });

    const cancelled = await cancel(booking.token, booking.bookingId);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(await refunds(booking.paymentId)).toEqual([]);
    const last = (await detail(booking.token, booking.bookingId)).history.at(-1);
    expect(last).toMatchObject({ from: 'CONFIRMED', to: 'CANCELLED' });
    expect(last.reason).toMatch(/nothing left to refund/);
    const handle = stories.temporal.client.workflow.getHandle(bookingCancellationWorkflowId(booking.bookingId));
    await handle.result();
    await keepHistory(handle, 'booking-cancellation.fee-keeps-all');
  });

  it('takes a percentage fee and an earlier partial refund off what a cancellation refunds', async () => {
    const event = await onSale({ customersMayCancel: true, deadlineHoursBeforeStart: 0, feeKind: 'percent', feeValue: 10 });
    const booking = await confirmed(event);
    const part = await api('POST', `/payments/${booking.paymentId}/refunds`, {
      token: stories.admin,
      body: { amountMinor: 1_000, reason: 'late start' },
    });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    expect((await detail(booking.token, booking.bookingId)).cancellation).toMatchObject({ feeMinor: 500, refundNowMinor: 3_500 });

    expect((await cancel(booking.token, booking.bookingId)).body.status).toBe('CANCELLED');
    expect(await refunds(booking.paymentId)).toEqual([1_000, 3_500]);
  });

  it('answers 409 CANCELLATION_CLOSED after the deadline; an admin still cancels and refunds in full', async () => {
    const event = await onSale({ customersMayCancel: true, deadlineHoursBeforeStart: 48, feeKind: 'fixed', feeValue: 500 });
    const booking = await confirmed(event);
    await startsIn(event, 24 * HOUR_MS);
    expect((await detail(booking.token, booking.bookingId)).cancellation).toMatchObject({ customerMayCancelNow: false, refundNowMinor: 0 });

    const refused = await cancel(booking.token, booking.bookingId);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'CANCELLATION_CLOSED' });
    expect((await detail(booking.token, booking.bookingId)).status).toBe('CONFIRMED');
    expect(await refunds(booking.paymentId)).toEqual([]);

    const byAdmin = await cancel(stories.admin, booking.bookingId, 'artist ill');
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBe(200);
    expect(byAdmin.body.status).toBe('REFUNDED');
    expect(await refunds(booking.paymentId)).toEqual([5_000]);
  });

  it('refuses any customer refund once the event has started, and lets an admin cancel with a reason', async () => {
    const event = await onSale({ customersMayCancel: true, deadlineHoursBeforeStart: 0, feeKind: 'none', feeValue: 0 });
    const booking = await confirmed(event);
    await startsIn(event, -HOUR_MS);

    const refused = await cancel(booking.token, booking.bookingId);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'CANCELLATION_CLOSED' });
    expect(refused.body.detail).toMatch(/started/);

    const byAdmin = await cancel(stories.admin, booking.bookingId, 'sound failure');
    expect(byAdmin.body.status).toBe('REFUNDED');
    const history = (await detail(booking.token, booking.bookingId)).history;
    expect(history.at(-1)).toMatchObject({ to: 'REFUNDED', actor: expect.stringMatching(/^admin:/) });
    expect(history.at(-1).reason).toMatch(/sound failure/);
  });

  it('answers 409 CANCELLATION_NOT_ALLOWED when customers may not cancel at all', async () => {
    const event = await onSale({ customersMayCancel: false, deadlineHoursBeforeStart: 0, feeKind: 'none', feeValue: 0 });
    const booking = await confirmed(event);
    expect((await detail(booking.token, booking.bookingId)).cancellation).toMatchObject({ closesAt: null, customerMayCancelNow: false });
    const refused = await cancel(booking.token, booking.bookingId);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'CANCELLATION_NOT_ALLOWED' });
    expect((await cancel(stories.admin, booking.bookingId, 'organizer’s decision')).body.status).toBe('REFUNDED');
  });

  it('shows the policy on the event and refuses a percentage above 100', async () => {
    const event = await onSale({ customersMayCancel: true, deadlineHoursBeforeStart: 72, feeKind: 'percent', feeValue: 25 });
    expect((await api('GET', `/events/${event.eventId}`)).body.cancellationPolicy).toEqual({
      customersMayCancel: true,
      deadlineHoursBeforeStart: 72,
      feeKind: 'percent',
      feeValue: 25,
    });
    const tooMuch = await api('PATCH', `/events/${event.eventId}`, {
      token: stories.admin,
      body: { cancellationPolicy: { customersMayCancel: true, deadlineHoursBeforeStart: 0, feeKind: 'percent', feeValue: 150 } },
    });
    expect(tooMuch.status).toBe(422);
  });
});
