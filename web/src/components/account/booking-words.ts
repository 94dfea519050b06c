// Booking and ticket states, and the history's actors, in words a customer reads (the API's codes stay out of sight).
import type { BookingStatus, CancellationTerms, Ticket } from './types.ts';
import { money } from '../common/format.ts';

const STATUS_WORDS: Record<BookingStatus, string> = {
  PENDING: 'Being reserved',
  HELD: 'Seats held, awaiting payment',
  PAYING: 'Payment in progress',
  CONFIRMED: 'Confirmed',
  EXPIRED: 'Hold expired',
  CANCELLED: 'Cancelled',
  FAILED: 'Failed',
  REFUNDED: 'Refunded',
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status as BookingStatus] ?? status;
}

const TICKET_WORDS: Record<Ticket['status'], string> = { valid: 'Valid', used: 'Used', void: 'Void' };

export function ticketStatusWords(status: Ticket['status']): string {
  return TICKET_WORDS[status];
}

/** Who moved a booking: the API records `customer:<id>`, `admin:<id>`, `system`, a workflow, … */
export function actorWords(actor: string): string {
  if (actor.startsWith('customer')) return 'You';
  if (actor.startsWith('admin')) return 'Eventix staff';
  return 'Eventix';
}

/** The event's cancellation policy as the API states it, in one sentence. */
export function policyWords(terms: NonNullable<CancellationTerms>, currency: string): string {
  const { policy } = terms;
  if (!policy.customersMayCancel) return 'This event’s bookings cannot be cancelled by customers.';
  const deadline =
    policy.deadlineHoursBeforeStart > 0
      ? `until ${policy.deadlineHoursBeforeStart} hours before the event starts`
      : 'until the event starts';
  const fee =
    policy.feeKind === 'none'
      ? 'without a fee'
      : policy.feeKind === 'fixed'
        ? `for a fee of ${money(policy.feeValue, currency)}`
        : `for a fee of ${policy.feeValue}% of the price`;
  return `You may cancel ${deadline}, ${fee}.`;
}

/** The booking's seats, as one line: "Stalls A-1, Stalls A-2". */
export function seatsWords(seats: { label: string }[]): string {
  return seats.map((s) => s.label).join(', ');
}
