// The booking saga: hold → wait for payment (or cancellation) until the hold expires → charge → confirm → CONFIRMED.
// Expiry and cancellation release the seats; a payment that lands after the seats were lost is refunded. Never money
// without seats, never seats without an owner.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BookingsActivities } from '../activities/bookings.activities.ts';
import type { EventsActivities } from '../activities/events.activities.ts';
import type { PaymentsActivities } from '../activities/payments.activities.ts';
import type { HoldResult } from '../domain/events/seats.ts';
import type { BookingInput, BookingStatus, BookingView, CancelRequest, HoldAnswer, PayAnswer, PayRequest } from './booking-types.ts';
import { TASK_QUEUES } from './task-queues.ts';

export const holdUpdate = defineUpdate<HoldAnswer>('hold');
export const payUpdate = defineUpdate<PayAnswer, [PayRequest]>('pay');
export const cancelUpdate = defineUpdate<BookingView, [CancelRequest]>('cancel');
/** The same request as the cancel update, for senders that can only signal (the event-cancellation workflow). */
export const cancelSignal = defineSignal<[CancelRequest]>('cancelRequested');
export const statusQuery = defineQuery<BookingView>('status');

const events = proxyActivities<EventsActivities>({
  taskQueue: TASK_QUEUES.events,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});
const payments = proxyActivities<PaymentsActivities>({
  taskQueue: TASK_QUEUES.payments,
  // Longer than the gateway timeout; a retry asks the gateway again with the same key, so it never charges twice.
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
});
const bookings = proxyActivities<BookingsActivities>({
  taskQueue: TASK_QUEUES.bookings,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

function failureOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

function rejected(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

export async function bookingWorkflow(input: BookingInput): Promise<BookingView> {
  const workflowId = workflowInfo().workflowId;
  let status: BookingStatus = 'PENDING';
  let seq = 0;
  let hold: HoldResult | undefined;
  let holdAnswer: HoldAnswer | undefined;
  let paymentId: string | null = null;
  let failureCode: string | null = null;
  let pending: (PayRequest & { n: number }) | undefined;
  let cancelRequest: CancelRequest | undefined;
  /** Set once the workflow has decided how it ends: no payment or cancellation is accepted after that. */
  let closing = false;
  let payments_ = 0;
  const payAnswers = new Map<number, PayAnswer>();
  /** The saga has written its last transition: what the cancel update waits for before it answers. */
  let ended = false;

  const view = (): BookingView => ({
    bookingId: input.bookingId,
    status,
    customerId: input.customerId,
    eventId: input.eventId,
    seats: hold?.seats ?? [],
    amountMinor: hold?.totalMinor ?? null,
    currency: hold?.currency ?? null,
    expiresAt: hold?.expiresAt ?? null,
    paymentId,
    failureCode,
  });

  async function record(
    to: BookingStatus,
    actor: string,
    reason: string,
    extra: Partial<Parameters<BookingsActivities['recordTransition']>[0]> = {},
  ) {
    const from = seq === 0 ? null : status;
    status = to;
    seq += 1;
    upsertSearchAttributes([{ key: { name: 'BookingStatus', type: 'KEYWORD' }, value: to }] as Parameters<
      typeof upsertSearchAttributes
    >[0]);
    // Compensation and bookkeeping must finish even if the workflow is being cancelled.
    await CancellationScope.nonCancellable(() =>
      bookings.recordTransition({
        bookingId: input.bookingId,
        source: 'booking',
        seq,
        customerId: input.customerId,
        eventId: input.eventId,
        workflowId,
        selection: input.selection,
        createdAt: input.requestedAt,
        from,
        to,
        at: new Date().toISOString(),
        actor,
        reason,
        ...extra,
      }),
    );
  }

  const release = () => CancellationScope.nonCancellable(() => events.releaseSeats(input.bookingId));

  setHandler(statusQuery, view);
  setHandler(holdUpdate, async () => {
    await condition(() => holdAnswer !== undefined);
    return holdAnswer!;
  });
  setHandler(
    payUpdate,
    async (request) => {
      const n = ++payments_;
      pending = { ...request, n };
      await condition(() => payAnswers.has(n));
      return payAnswers.get(n)!;
    },
    {
      validator: (request: PayRequest) => {
        if (request.customerId !== input.customerId) throw rejected('BOOKING_NOT_FOUND', 'No booking of yours with this id.');
        if (status !== 'HELD' || closing || pending || cancelRequest) {
          throw rejected('BOOKING_NOT_HELD', `The booking is ${status}; only a HELD booking can be paid.`);
        }
      },
    },
  );
  const acceptCancel = (request: CancelRequest) => {
    if ((status === 'HELD' || status === 'PENDING') && !closing && !pending) cancelRequest ??= request;
  };
  setHandler(
    cancelUpdate,
    async (request) => {
      acceptCancel(request);
      await condition(() => ended);
      return view();
    },
    {
      validator: (_request: CancelRequest) => {
        if (status !== 'HELD' || closing || pending)
          throw rejected('BOOKING_NOT_CANCELLABLE', `The booking is ${status}; it cannot be cancelled now.`);
      },
    },
  );
  setHandler(cancelSignal, acceptCancel);

  const outcome = await saga();
  ended = true;
  return outcome;

  async function saga(): Promise<BookingView> {
    await record('PENDING', `customer:${input.customerId}`, 'booking requested');
    try {
      hold = await events.holdSeats({
        holdId: input.bookingId,
        eventId: input.eventId,
        customerId: input.customerId,
        selection: input.selection,
        until: new Date(Date.now() + input.holdTtlMs).toISOString(),
      });
    } catch (err) {
      const failure = failureOf(err);
      failureCode = failure?.type ?? 'HOLD_FAILED';
      const details = (failure?.details?.[0] ?? []) as { field: string }[];
      await record('FAILED', 'system', `seats not held: ${failureCode}`, { failureCode });
      holdAnswer = {
        ok: false,
        code: failureCode,
        message: failure?.message ?? 'The seats could not be held.',
        seatIds: details.filter((d) => d.field.startsWith('seats.')).map((d) => d.field.slice('seats.'.length)),
        booking: view(),
      };
      return view();
    }
    upsertMemo({ seats: hold.seats.map((s) => s.label), amountMinor: hold.totalMinor, currency: hold.currency });
    await record('HELD', 'system', `${hold.seats.length} seat(s) held until ${hold.expiresAt}`, {
      seats: hold.seats,
      amountMinor: hold.totalMinor,
      currency: hold.currency,
      expiresAt: hold.expiresAt,
    });
    holdAnswer = { ok: true, booking: view() };

    for (;;) {
      const remaining = Date.parse(hold.expiresAt) - Date.now();
      const woken = remaining > 0 && (await condition(() => pending !== undefined || cancelRequest !== undefined, remaining));
      if (cancelRequest && !pending) {
        closing = true;
        await release();
        await record('CANCELLED', cancelRequest.actor, cancelRequest.reason);
        return view();
      }
      if (!woken) {
        closing = true;
        await release();
        await record('EXPIRED', 'system', 'the hold expired unpaid; seats released');
        return view();
      }

      const request = pending!;
      await record('PAYING', `customer:${input.customerId}`, `payment ${request.n} with ${request.gateway}`);
      try {
        const charged = await payments.chargePayment({
          bookingId: input.bookingId,
          customerId: input.customerId,
          amountMinor: hold.totalMinor,
          currency: hold.currency,
          gateway: request.gateway,
          paymentMethod: request.paymentMethod,
          idempotencyKey: `${input.bookingId}:${request.n}`,
        });
        paymentId = charged.paymentId;
      } catch (err) {
        const failure = failureOf(err);
        failureCode = failure?.type ?? 'PAYMENT_FAILED';
        // A declined card leaves the booking HELD until it expires: the customer may try another card.
        await record('HELD', 'system', `payment ${request.n} declined: ${failureCode}`, { failureCode });
        payAnswers.set(request.n, { ok: false, code: failureCode, message: failure?.message ?? 'The payment failed.', booking: view() });
        pending = undefined;
        continue;
      }

      closing = true;
      try {
        await events.confirmSeats(input.bookingId);
      } catch (err) {
        const failure = failureOf(err);
        if (failure?.type !== 'SEATS_NO_LONGER_HELD') throw err;
        // The hold lapsed while the card was charged: give the money back, never keep it without seats.
        await CancellationScope.nonCancellable(() =>
          payments.refundPayment({
            paymentId: paymentId!,
            idempotencyKey: `${input.bookingId}:seats-lost`,
            reason: 'the seats were no longer held when the payment completed',
          }),
        );
        await release();
        failureCode = 'SEATS_NO_LONGER_HELD';
        await record('REFUNDED', 'system', 'the hold expired while paying; payment refunded in full', {
          paymentId,
          failureCode,
          refundedMinor: hold.totalMinor,
        });
        payAnswers.set(request.n, {
          ok: false,
          code: failureCode,
          message: 'The hold expired before the payment completed; it was refunded.',
          booking: view(),
        });
        return view();
      }
      failureCode = null;
      await record('CONFIRMED', `customer:${input.customerId}`, 'paid; seats sold', { paymentId, failureCode: null });
      payAnswers.set(request.n, { ok: true, booking: view() });
      return view();
    }
  }
}
