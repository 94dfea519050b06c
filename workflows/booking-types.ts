// What the booking workflows, their updates and their callers exchange.
import type { BookedSeat, BookingStatus } from '../entities/bookings/booking.entity.ts';
import type { HoldResult, SeatSelection } from '../domain/events/seats.ts';
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
  /**
   * The hold the bookings service already claimed in the events service for this booking (hold id = booking id),
   * when it claims before starting the saga: the saga adopts it instead of holding the seats itself, and releases it
   * on every way out as its own. Absent: the saga holds the seats.
   */
  claimedHold?: HoldResult;
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

/** The gateway of a booking whose total is 0: it confirms without a card and without any payment gateway. */
export const FREE_GATEWAY = 'free';

export interface PayRequest {
  customerId: string;
  /** A payments-service gateway, or FREE_GATEWAY for a booking that costs nothing. */
  gateway: string;
  /** What the card gateway charges; absent for FREE_GATEWAY. */
  paymentMethod?: string;
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
  /** Null for a free booking: nothing was paid, so nothing is refunded. */
  paymentId: string | null;
  actor: string;
  reason: string;
  /** Minor units to refund (the price less the policy's fee and earlier refunds); the whole remaining payment when absent. */
  refundMinor?: number;
  /**
   * What the payment keeps (the policy's fee): the payments service refunds all that is left above it at the moment it
   * refunds, so a refund made while the cancellation runs cannot leave it keeping more. Takes the place of `refundMinor`.
   */
  keepMinor?: number;
}

export interface CancellationResult {
  bookingId: string;
  /** CONFIRMED when nothing could be refunded (the booking keeps its money and seats). */
  status: 'CONFIRMED' | 'CANCELLED' | 'REFUNDED';
  refundedMinor: number;
  /** Set when a step gave up (REFUND_FAILED, COMPENSATION_FAILED, …); absent when all went through. */
  failureCode?: string;
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
  /** Confirmed bookings whose cancellation ended needing an operator; absent when none. */
  needsOperator?: string[];
  /** Bookings still in flight when the wait for them ended; absent when none. */
  stillInFlight?: string[];
  /** Set when the event's bookings could not be read (BOOKINGS_NOT_READ): the result is what was done before. */
  failureCode?: string;
}
