// The failure codes a saga ends with when a step gave up rather than being refused (a refusal keeps its own code,
// SEATS_UNAVAILABLE, CARD_DECLINED, …): on the booking, in the workflow's result, and in the answer to the request.
import type { NeedsAnOperator } from '../domain/bookings/booking-metrics.ts';

export const SAGA_FAILURES = {
  /** The booking could not be written at all; nothing was held. */
  bookingNotRecorded: 'BOOKING_NOT_RECORDED',
  /** The hold gave up; whatever it may have claimed was released. */
  holdFailed: 'HOLD_FAILED',
  /** The seats were held but the hold could not be written; they were released. */
  holdNotRecorded: 'HOLD_NOT_RECORDED',
  /** A payment could not be written, so it was never charged; the booking stays HELD. */
  paymentNotRecorded: 'PAYMENT_NOT_RECORDED',
  /** The charge gave up; whatever it did was voided or refunded, and the booking stays HELD. */
  paymentFailed: 'PAYMENT_FAILED',
  /** The capture went through but the seats could not be sold; refunded, seats released. */
  seatsNotConfirmed: 'SEATS_NOT_CONFIRMED',
  /** Paid and sold, but the confirmation could not be written; refunded, seats back on sale. */
  confirmationNotRecorded: 'CONFIRMATION_NOT_RECORDED',
  /** The outcome could not be written: the workflow has it, the booking row is behind (the stuck list shows it). */
  outcomeNotRecorded: 'OUTCOME_NOT_RECORDED',
  /** A compensation (releasing or returning seats, a refund) gave up: money or seats need an operator. */
  compensationFailed: 'COMPENSATION_FAILED' satisfies NeedsAnOperator,
  /** A cancellation's refund gave up: the booking stays CONFIRMED, money and seats with it, for an operator. */
  refundFailed: 'REFUND_FAILED' satisfies NeedsAnOperator,
  /** A cancellation could not be written, so nothing was refunded; the booking stays CONFIRMED. */
  cancellationNotRecorded: 'CANCELLATION_NOT_RECORDED',
  /** An event cancellation could not read the event's bookings; it ended with what it had done. */
  bookingsNotRead: 'BOOKINGS_NOT_READ',
} as const;

export type SagaFailureCode = (typeof SAGA_FAILURES)[keyof typeof SAGA_FAILURES];
