// The booking saga's state, and the messages that read or change it: the hold, pay and cancel updates, the cancel
// signal and the status query. The saga's steps (booking.workflow.ts) move the state on; the handlers wait for them.
import { condition, setHandler } from '@temporalio/workflow';
import type { HoldResult } from '../domain/events/seats.ts';
import { cancelSignal, cancelUpdate, holdUpdate, payUpdate, statusQuery } from './booking-messages.ts';
import {
  FREE_GATEWAY,
  type BookingInput,
  type BookingStatus,
  type BookingView,
  type CancelRequest,
  type HoldAnswer,
  type PayAnswer,
  type PayRequest,
} from './booking-types.ts';
import { refusal } from './domain-failures.ts';

/** A payment the customer asked for, numbered from 1: the number is part of its idempotency key. */
export type PaymentRequest = PayRequest & { n: number };

export interface BookingState {
  readonly input: BookingInput;
  readonly workflowId: string;
  status: BookingStatus;
  /** How many transitions have been written; the next one's sequence number follows. */
  seq: number;
  hold?: HoldResult;
  holdAnswer?: HoldAnswer;
  paymentId: string | null;
  failureCode: string | null;
  /** The payment being worked on; the pay validator refuses another until it is answered. */
  pending?: PaymentRequest;
  cancelRequest?: CancelRequest;
  /** Set once the workflow has decided how it ends: no payment or cancellation is accepted after that. */
  closing: boolean;
  paymentsAsked: number;
  payAnswers: Map<number, PayAnswer>;
  /** The saga has written its last transition: what the cancel update waits for before it answers. */
  ended: boolean;
}

export function newBookingState(input: BookingInput, workflowId: string): BookingState {
  return {
    input,
    workflowId,
    status: 'PENDING',
    seq: 0,
    paymentId: null,
    failureCode: null,
    closing: false,
    paymentsAsked: 0,
    payAnswers: new Map(),
    ended: false,
  };
}

export function viewOf(b: BookingState): BookingView {
  return {
    bookingId: b.input.bookingId,
    status: b.status,
    customerId: b.input.customerId,
    eventId: b.input.eventId,
    seats: b.hold?.seats ?? [],
    amountMinor: b.hold?.totalMinor ?? null,
    currency: b.hold?.currency ?? null,
    expiresAt: b.hold?.expiresAt ?? null,
    paymentId: b.paymentId,
    failureCode: b.failureCode,
  };
}

function acceptCancel(b: BookingState, request: CancelRequest): void {
  if ((b.status === 'HELD' || b.status === 'PENDING') && !b.closing && !b.pending) b.cancelRequest ??= request;
}

async function pay(b: BookingState, request: PayRequest): Promise<PayAnswer> {
  const n = ++b.paymentsAsked;
  b.pending = { ...request, n };
  await condition(() => b.payAnswers.has(n));
  return b.payAnswers.get(n)!;
}

function validatePay(b: BookingState, request: PayRequest): void {
  if (request.customerId !== b.input.customerId) throw refusal('not_found', 'BOOKING_NOT_FOUND', 'No booking of yours with this id.');
  if (b.status !== 'HELD' || b.closing || b.pending || b.cancelRequest) {
    throw refusal('conflict', 'BOOKING_NOT_HELD', `The booking is ${b.status}; only a HELD booking can be paid.`);
  }
  if (b.hold) validateGateway(b.hold, request.gateway);
}

/** The free gateway pays exactly the bookings that cost nothing, and no card gateway is asked to charge 0. */
function validateGateway(hold: HoldResult, gateway: string): void {
  const free = hold.totalMinor === 0;
  if (gateway === FREE_GATEWAY && !free) {
    throw refusal(
      'conflict',
      'NOT_FREE',
      `The booking costs ${hold.totalMinor} ${hold.currency} (minor units); pay it with a card gateway.`,
    );
  }
  if (gateway !== FREE_GATEWAY && free) {
    throw refusal('conflict', 'BOOKING_IS_FREE', `The booking costs nothing: pay it with gateway "${FREE_GATEWAY}"; no card is charged.`);
  }
}

function validateCancel(b: BookingState): void {
  if (b.status !== 'HELD' || b.closing || b.pending) {
    throw refusal('conflict', 'BOOKING_NOT_CANCELLABLE', `The booking is ${b.status}; it cannot be cancelled now.`);
  }
}

/** Registers every message handler before the saga's first step, so none is missed. */
export function handleBookingMessages(b: BookingState): void {
  setHandler(statusQuery, () => viewOf(b));
  setHandler(holdUpdate, async () => {
    await condition(() => b.holdAnswer !== undefined);
    return b.holdAnswer!;
  });
  setHandler(payUpdate, (request) => pay(b, request), { validator: (request: PayRequest) => validatePay(b, request) });
  setHandler(
    cancelUpdate,
    async (request) => {
      acceptCancel(b, request);
      await condition(() => b.ended);
      return viewOf(b);
    },
    { validator: (_request: CancelRequest) => validateCancel(b) },
  );
  setHandler(cancelSignal, (request) => acceptCancel(b, request));
}
