// Booking-record activities on the `bookings` task queue: each saga transition written once, and an event's bookings.
import type { Orm } from '../common/db/orm.ts';
import {
  bookingsOfEvent,
  recordTransition,
  refundableBooking,
  type RefundableBooking,
  type Transition,
} from '../domain/bookings/bookings.ts';
import type { BookingStatus } from '../entities/bookings/booking.entity.ts';
import { asActivity } from './domain-failure.ts';
import { createOnSaleActivities, type OnSaleActivityDeps } from './on-sale.activities.ts';
import { createWaitingListActivities, type WaitingListActivityDeps } from './waiting-list.activities.ts';

export type { RefundableBooking, Transition };

export interface EventBooking {
  bookingId: string;
  customerId: string;
  status: BookingStatus;
  paymentId: string | null;
}

const TERMINAL = new Set<BookingStatus>(['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED']);

export function createBookingsActivities(deps: {
  orm: Orm;
  published: () => void;
  ended?: (status: BookingStatus) => void;
  /** The admitter's step: the events service to ask for free seats, and the waiting-room metrics. */
  onSale?: Omit<OnSaleActivityDeps, 'orm'>;
  /** The waiting list's pass: the events service to ask for free seats, and the waiting-list metrics. */
  waitingList?: Omit<WaitingListActivityDeps, 'orm' | 'published'>;
}) {
  return {
    /** A transition the database refuses (text it cannot store, a broken constraint) fails at once, not retried. */
    recordTransition: (transition: Transition): Promise<void> =>
      asActivity(async () => {
        if (!(await recordTransition(deps.orm, transition))) return;
        deps.published();
        // Counted once: a retried activity finds the transition already written.
        if (TERMINAL.has(transition.to) && transition.from !== transition.to) deps.ended?.(transition.to);
      }),
    /** The booking a refund of its payment belongs to (null when the payment has no booking here). */
    bookingForRefund: (bookingId: string): Promise<RefundableBooking | null> => asActivity(() => refundableBooking(deps.orm, bookingId)),
    bookingsOfEvent: (eventId: string): Promise<EventBooking[]> =>
      asActivity(async () => {
        const rows = await bookingsOfEvent(deps.orm, eventId);
        return rows.map((b) => ({ bookingId: b.id, customerId: b.customerId, status: b.status, paymentId: b.paymentId ?? null }));
      }),
    ...createOnSaleActivities({ orm: deps.orm, eventsUrls: [], ...deps.onSale }),
    ...createWaitingListActivities({ orm: deps.orm, published: deps.published, eventsUrls: [], ...deps.waitingList }),
  };
}

export type BookingsActivities = ReturnType<typeof createBookingsActivities>;
