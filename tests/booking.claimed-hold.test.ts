// The booking saga over a hold the bookings service claimed before it started the saga (BookingInput.claimedHold), on
// the real Temporal dev server over stub activities: the saga adopts the claim as its own hold (no hold step), answers
// the hold from its first workflow task, and every way out releases the claimed seats as it would seats it held.
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { temporal as proto } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { holdWithStart } from '../api/bookings/booking-saga-client.ts';
import { bookingWorkflowId, cancelUpdate, payUpdate } from '../workflows/booking-messages.ts';
import type { BookingInput } from '../workflows/booking-types.ts';
import type { bookingWorkflow } from '../workflows/booking.workflow.ts';
import type { History } from './support/histories.ts';
import { createFailures } from './support/stub-failures.ts';
import { claimedBeforeStart, createStubServices, SEAT_PRICE_MINOR, stubBookingInput } from './support/stub-services.ts';
import { useStubTemporal } from './support/stub-temporal.ts';
import { until } from './support/wait.ts';

const HISTORIES = new URL('./histories/', import.meta.url);
const { EventType } = proto.api.enums.v1;

/** The activities the workflow scheduled on a task queue, in order (local activities are markers, not these). */
const scheduledActivities = (history: History) =>
  (history.events ?? []).flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType!.name!] : [],
  );

/** How many workflow tasks had completed when the first update (the hold) was answered. */
function tasksBeforeHoldAnswer(history: History): number {
  const events = history.events ?? [];
  const answered = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  expect(answered).toBeGreaterThan(0);
  return events.slice(0, answered).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
}

describe('the booking saga over a hold claimed before it started', { timeout: 15_000 }, () => {
  const stubs = createStubServices();
  const failures = createFailures();
  const { calls } = stubs;
  const temporal = useStubTemporal(() => ({
    events: failures.wrap(stubs.events.activities),
    payments: failures.wrap(stubs.payments.activities),
    bookings: failures.wrap(stubs.bookings.activities),
  }));

  const claimed = (overrides: Partial<BookingInput> = {}) => claimedBeforeStart(stubs, stubBookingInput(overrides));
  const hold = (input: BookingInput) => holdWithStart(temporal.client, input);
  const saga = (input: BookingInput) => temporal.client.workflow.getHandle<typeof bookingWorkflow>(bookingWorkflowId(input.bookingId));
  const pay = (input: BookingInput) =>
    saga(input).executeUpdate(payUpdate, { args: [{ customerId: input.customerId, gateway: 'test', paymentMethod: 'pm_card_visa' }] });
  const cancel = (input: BookingInput) =>
    saga(input).executeUpdate(cancelUpdate, { args: [{ actor: `customer:${input.customerId}`, reason: 'cancelled by the customer' }] });
  const seatIdsOf = (input: BookingInput) => ('seatIds' in input.selection ? input.selection.seatIds : []);
  const seatsTaken = (input: BookingInput) => seatIdsOf(input).filter((id) => stubs.events.isTaken(id));
  /** The claim, made before the saga, is the only hold the events service was ever asked for. */
  const onlyTheClaim = (input: BookingInput) => expect(calls.of(input.bookingId, 'holdSeats')).toHaveLength(1);

  /** With RECORD_HISTORIES=1 an ended saga's history becomes a replay fixture (tests/workflow-replay.test.ts). */
  async function recorded(input: BookingInput, fixture: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    await saga(input).result();
    writeFileSync(new URL(`${fixture}.json`, HISTORIES), `${historyToJSON(await saga(input).fetchHistory())}\n`);
  }

  it('adopts the claimed hold: no hold step, the hold answered from the first workflow task, then paid and confirmed', async () => {
    // A ten-minute hold, as the service gives: it outlasts the charge's whole budget, so nothing extends it.
    const input = await claimed({ holdTtlMs: 600_000 });
    const answer = await hold(input);
    expect(answer).toMatchObject({
      ok: true,
      booking: {
        status: 'HELD',
        seats: input.claimedHold!.seats,
        amountMinor: 2 * SEAT_PRICE_MINOR,
        expiresAt: input.claimedHold!.expiresAt,
      },
    });
    onlyTheClaim(input);
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD']);
    expect(tasksBeforeHoldAnswer(await saga(input).fetchHistory())).toBe(1);

    expect(await pay(input)).toMatchObject({ ok: true, booking: { status: 'CONFIRMED', failureCode: null } });
    expect((await saga(input).result()).status).toBe('CONFIRMED');
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'PAYING', 'CONFIRMED']);
    onlyTheClaim(input);
    expect(calls.of(input.bookingId, 'releaseSeats')).toHaveLength(0);
    expect(scheduledActivities(await saga(input).fetchHistory())).toEqual(['chargePayment', 'confirmSeats']);
    await recorded(input, 'booking.claimed-hold-confirmed');
  });

  it('releases the claimed seats when the booking cannot be recorded at all: FAILED with BOOKING_NOT_RECORDED', async () => {
    const input = await claimed();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId);
    const answer = await hold(input);
    expect(answer).toMatchObject({ ok: false, code: 'BOOKING_NOT_RECORDED', kind: 'unavailable', booking: { status: 'FAILED' } });
    expect(answer.ok === false && answer.message).toContain('released');
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'BOOKING_NOT_RECORDED' });
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    onlyTheClaim(input);
    await recorded(input, 'booking.claimed-hold-not-recorded');
  });

  it('releases the claimed seats when the hold cannot be recorded: FAILED with HOLD_NOT_RECORDED', async () => {
    const input = await claimed();
    failures.always('recordTransition', (t) => t.bookingId === input.bookingId && t.to === 'HELD');
    expect(await hold(input)).toMatchObject({ ok: false, code: 'HOLD_NOT_RECORDED', booking: { status: 'FAILED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'HOLD_NOT_RECORDED' });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'FAILED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    onlyTheClaim(input);
  });

  it('releases the claimed seats when the hold is cancelled before payment', async () => {
    const input = await claimed();
    await hold(input);
    expect(seatsTaken(input)).toEqual(seatIdsOf(input));
    expect(await cancel(input)).toMatchObject({ status: 'CANCELLED', paymentId: null });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'CANCELLED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
  });

  it('releases the claimed seats when the claim lapses unpaid: EXPIRED at the expiry the claim carries', async () => {
    // The dev server fires timers at about one-second resolution: this test waits that long, whatever the TTL.
    const input = await claimed({ holdTtlMs: 300 });
    await hold(input);
    expect(await saga(input).result()).toMatchObject({ status: 'EXPIRED', expiresAt: input.claimedHold!.expiresAt });
    expect(calls.statuses(input.bookingId)).toEqual(['PENDING', 'HELD', 'EXPIRED']);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    expect(calls.of(input.bookingId, 'chargePayment')).toHaveLength(0);
  });

  it('refunds a capture whose claimed seats cannot be sold, and releases them: REFUNDED with SEATS_NOT_CONFIRMED', async () => {
    const input = await claimed();
    failures.always('confirmSeats', (holdId) => holdId === input.bookingId);
    await hold(input);
    expect(await pay(input)).toMatchObject({ ok: false, code: 'SEATS_NOT_CONFIRMED', booking: { status: 'REFUNDED' } });
    expect(calls.of(input.bookingId, 'refundPayment')).toHaveLength(1);
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    onlyTheClaim(input);
  });

  it('ends the saga with the claimed seats released when the bookings database is away after the claim', { timeout: 90_000 }, async () => {
    const input = await claimed();
    stubs.bookings.away(input.bookingId);
    // The PENDING write is asked again for its whole budget (past the workflow task timeout) and given up, the seats
    // are released, and the FAILED write a customer waits on is given up in its turn: the saga ends all the same.
    const answer = await hold(input);
    expect(answer).toMatchObject({ ok: false, code: 'BOOKING_NOT_RECORDED', kind: 'unavailable', booking: { status: 'FAILED' } });
    expect(await saga(input).result()).toMatchObject({ status: 'FAILED', failureCode: 'BOOKING_NOT_RECORDED' });
    expect(calls.of(input.bookingId, 'releaseSeats')).toEqual([[input.bookingId]]);
    expect(seatsTaken(input)).toEqual([]);
    expect(new Set(calls.statuses(input.bookingId))).toEqual(new Set(['PENDING', 'FAILED']));
    expect(calls.of(input.bookingId, 'recordTransition').length).toBeGreaterThan(2);
    expect(scheduledActivities(await saga(input).fetchHistory())).toEqual(['releaseSeats']);
    onlyTheClaim(input);
    stubs.bookings.back(input.bookingId);
  });

  it(
    'asks an outcome the worker could not write again as a regular activity, and writes it once the database is back',
    { timeout: 60_000 },
    async () => {
      const input = await claimed();
      await hold(input);
      stubs.bookings.away(input.bookingId);
      const cancelled = cancel(input);
      // The worker's own attempts gave up; the server now asks the write again, patiently.
      await until(async () => scheduledActivities(await saga(input).fetchHistory()).includes('recordTransition'), 45_000, 200);
      expect(seatsTaken(input)).toEqual([]);
      stubs.bookings.back(input.bookingId);
      expect(await cancelled).toMatchObject({ status: 'CANCELLED', failureCode: null });
      expect(calls.statuses(input.bookingId).at(-1)).toBe('CANCELLED');
      expect(scheduledActivities(await saga(input).fetchHistory())).toEqual(['releaseSeats', 'recordTransition']);
    },
  );
});
