// What the booking workflows, their updates and their callers exchange.
import type { BookedSeat, BookingStatus } from '../entities/bookings/booking.entity.ts';
import type { SeatSelection } from '../domain/events/seats.ts';
import type { DomainErrorKind } from '../common/errors/domain-error.ts';

export type { BookingStatus, BookedSeat, SeatSelection };

export interface BookingInput {
  bookingId: string;
  customerId: string;
  eventId: string;
  selection: SeatSelection;
  /** How long the seats stay held without payment (the timer and the hold's expiry). */
  holdTtlMs: number;
  /** ISO instant the customer asked. */
  requestedAt: string;
}

export interface BookingView {
  bookingId: string;
  status: BookingStatus;
  customerId: string;
  eventId: string;
  seats: BookedSeat[];
  amountMinor: number | null;
  currency: string | null;
  expiresAt: string | null;
  paymentId: string | null;
  failureCode: string | null;
}

/** Why a hold or a payment was refused: the stable code and its kind, which the route turns into its HTTP answer. */
export interface Refused {
  ok: false;
  code: string;
  kind: DomainErrorKind;
  message: string;
  booking: BookingView;
}

export type HoldAnswer = { ok: true; booking: BookingView } | (Refused & { seatIds: string[] });

export interface PayRequest {
  customerId: string;
  gateway: string;
  paymentMethod: string;
}

export type PayAnswer = { ok: true; booking: BookingView } | Refused;

export interface CancelRequest {
  /** Who asked: `customer:<id>`, `admin:<id>` or `event-cancellation`. */
  actor: string;
  reason: string;
}

export interface CancellationInput {
  bookingId: string;
  customerId: string;
  eventId: string;
  paymentId: string;
  actor: string;
  reason: string;
  /** Minor units to refund; the whole remaining payment when absent. */
  refundMinor?: number;
}

export interface CancellationResult {
  bookingId: string;
  status: 'CANCELLED' | 'REFUNDED';
  refundedMinor: number;
}

export interface EventCancellationInput {
  eventId: string;
  reason: string;
  /** Bookings refunded at once. */
  parallelism: number;
}

export interface EventCancellationResult {
  eventId: string;
  holdsCancelled: number;
  bookingsRefunded: number;
}
