// Booking-record activities on the `bookings` task queue: each saga transition written once, and an event's bookings.
import type { Orm } from '../common/db/orm.ts';
import { bookingsOfEvent, recordTransition, type Transition } from '../domain/bookings/bookings.ts';
import type { BookingStatus } from '../entities/bookings/booking.entity.ts';

export type { Transition };

export interface EventBooking {
  bookingId: string;
  customerId: string;
  status: BookingStatus;
  paymentId: string | null;
}

const TERMINAL = new Set<BookingStatus>(['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED']);

export function createBookingsActivities(deps: { orm: Orm; published: () => void; ended?: (status: BookingStatus) => void }) {
  return {
    async recordTransition(transition: Transition): Promise<void> {
      if (!(await recordTransition(deps.orm, transition))) return;
      deps.published();
      // Counted once: a retried activity finds the transition already written.
      if (TERMINAL.has(transition.to) && transition.from !== transition.to) deps.ended?.(transition.to);
    },
    async bookingsOfEvent(eventId: string): Promise<EventBooking[]> {
      const rows = await bookingsOfEvent(deps.orm, eventId);
      return rows.map((b) => ({ bookingId: b.id, customerId: b.customerId, status: b.status, paymentId: b.paymentId ?? null }));
    },
  };
}

export type BookingsActivities = ReturnType<typeof createBookingsActivities>;
