// What a cancellation of a confirmed booking gives back under its event's policy: customers cancel while the policy
// allows (before its deadline, never after the start) and are refunded the price less the fee, less what was
// refunded already; admins may always cancel, and are refunded all that is left.
import { DomainError } from '../../common/errors/domain-error.ts';

/** The event's cancellation policy as the events service states it (GET /events/{id}, `cancellationPolicy`). */
export interface CancellationPolicy {
  customersMayCancel: boolean;
  deadlineHoursBeforeStart: number;
  feeKind: 'none' | 'fixed' | 'percent';
  feeValue: number;
}

/** The policy's terms for one booking, now: what the booking view shows and what a customer's cancel is held to. */
export interface CancellationTerms {
  policy: CancellationPolicy;
  /** Customers may cancel until then (null: not at all). */
  closesAt: string | null;
  customerMayCancelNow: boolean;
  feeMinor: number;
  /** What a customer's cancel would refund now (0 when they may not cancel). */
  refundNowMinor: number;
}

export interface PricedBooking {
  amountMinor?: number | null;
  refundedMinor: number;
}

const HOUR_MS = 3_600_000;

/** The fee kept of a price: a fixed amount or a percentage (rounded down, in the customer's favour), at most the price. */
export function feeOf(policy: CancellationPolicy, priceMinor: number): number {
  const fee =
    policy.feeKind === 'fixed' ? policy.feeValue : policy.feeKind === 'percent' ? Math.floor((priceMinor * policy.feeValue) / 100) : 0;
  return Math.min(Math.max(fee, 0), priceMinor);
}

export function cancellationTerms(policy: CancellationPolicy, startsAt: Date, booking: PricedBooking, now = new Date()): CancellationTerms {
  const price = booking.amountMinor ?? 0;
  const closes = policy.customersMayCancel ? new Date(startsAt.getTime() - policy.deadlineHoursBeforeStart * HOUR_MS) : null;
  const open = closes !== null && now < closes && now < startsAt;
  const feeMinor = feeOf(policy, price);
  return {
    policy,
    closesAt: closes?.toISOString() ?? null,
    customerMayCancelNow: open,
    feeMinor,
    refundNowMinor: open ? Math.max(0, price - feeMinor - booking.refundedMinor) : 0,
  };
}

/** A customer's cancel the policy refuses, as the 409 it answers; nothing when the customer may cancel now. */
export function checkCustomerMayCancel(terms: CancellationTerms, startsAt: Date, now = new Date()): void {
  if (terms.customerMayCancelNow) return;
  if (!terms.policy.customersMayCancel) {
    throw new DomainError(
      'conflict',
      'CANCELLATION_NOT_ALLOWED',
      'This event’s bookings cannot be cancelled by customers; ask the organizer.',
    );
  }
  const why = now >= startsAt ? 'the event has started' : `cancellations closed at ${terms.closesAt}`;
  throw new DomainError('conflict', 'CANCELLATION_CLOSED', `This booking can no longer be cancelled: ${why}.`);
}
