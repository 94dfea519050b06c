// The call log the stub activities write to, and the failure they raise for a refusal, shaped as the real ones.
import type { BookingsActivities } from '../../activities/bookings.activities.ts';
import { activityFailureOf } from '../../activities/domain-failure.ts';
import type { EventsActivities } from '../../activities/events.activities.ts';
import type { PaymentsActivities } from '../../activities/payments.activities.ts';
import { DomainError, type DomainErrorDetails, type DomainErrorKind } from '../../common/errors/domain-error.ts';
import type { BookingStatus } from '../../entities/bookings/booking.entity.ts';

export type StubActivities = EventsActivities & PaymentsActivities & BookingsActivities;
export type ActivityName = keyof StubActivities;
/** One call, keyed by the booking (or, for `bookingsOfEvent`, the event) it was about. */
export type Call = { [K in ActivityName]: { activity: K; key: string; args: Parameters<StubActivities[K]> } }[ActivityName];

/** Fails as the real activity adapter fails for a domain refusal: the same error type, mapped by the same function. */
export function refuse(kind: DomainErrorKind, code: string, message: string, details?: DomainErrorDetails): Promise<never> {
  return Promise.reject(activityFailureOf(new DomainError(kind, code, message, details)));
}

export class CallLog {
  readonly all: Call[] = [];

  add(call: Call): void {
    this.all.push(call);
  }

  /** The arguments of each call of one activity about one booking, in order. */
  of<K extends ActivityName>(key: string, activity: K): Parameters<StubActivities[K]>[] {
    // A call's activity name fixes its arguments' type, which TypeScript cannot follow through a generic filter.
    return this.all.flatMap((c) => (c.key === key && c.activity === activity ? [c.args as Parameters<StubActivities[K]>] : []));
  }

  /** The statuses the workflow wrote for a booking, in order. */
  statuses(bookingId: string): BookingStatus[] {
    return this.of(bookingId, 'recordTransition').map(([t]) => t.to);
  }
}
