// The bookings service's activities in memory, typed by the real factory: transitions and an event's bookings.
import type { BookingsActivities, EventBooking, Transition } from '../../activities/bookings.activities.ts';
import type { CallLog } from './stub-calls.ts';

/** The booking records: each transition written once, and an event's bookings with their latest status. */
export function createStubBookings(calls: CallLog) {
  const written = new Set<string>();
  /** Bookings whose writes find the database away: refused connections, which the retry policies ask again. */
  const away = new Set<string>();
  const ofEvent = new Map<string, Map<string, EventBooking>>();
  const upsert = (eventId: string, booking: EventBooking) => {
    const bookings = ofEvent.get(eventId) ?? new Map<string, EventBooking>();
    bookings.set(booking.bookingId, booking);
    ofEvent.set(eventId, bookings);
  };
  const activities: BookingsActivities = {
    recordTransition(t: Transition) {
      calls.add({ activity: 'recordTransition', key: t.bookingId, args: [t] });
      if (away.has(t.bookingId)) return Promise.reject(connectionRefused());
      // A retried write of the same transition changes nothing, as in the real table.
      const id = `${t.bookingId}:${t.source}:${t.seq}`;
      if (!written.has(id)) {
        written.add(id);
        const before = ofEvent.get(t.eventId)?.get(t.bookingId);
        upsert(t.eventId, {
          bookingId: t.bookingId,
          customerId: t.customerId,
          status: t.to,
          paymentId: t.paymentId ?? before?.paymentId ?? null,
        });
      }
      return Promise.resolve();
    },
    bookingForRefund(bookingId) {
      calls.add({ activity: 'bookingForRefund', key: bookingId, args: [bookingId] });
      for (const [eventId, bookings] of ofEvent) {
        const b = bookings.get(bookingId);
        if (b) return Promise.resolve({ ...b, eventId, amountMinor: null, refundedMinor: 0 });
      }
      return Promise.resolve(null);
    },
    bookingsOfEvent(eventId) {
      calls.add({ activity: 'bookingsOfEvent', key: eventId, args: [eventId] });
      return Promise.resolve([...(ofEvent.get(eventId)?.values() ?? [])].map((b) => ({ ...b })));
    },
    serveWaitingList(eventId) {
      // No waiting list here: nobody waits, so a waiting-list workflow run against the stubs ends at once.
      calls.add({ activity: 'serveWaitingList', key: eventId, args: [eventId] });
      return Promise.resolve({ offers: [], accepted: 0, lapsed: 0, waiting: 0, offered: 0, unsettled: 0, onSale: true });
    },
    admitterStep(request) {
      // No waiting room here: an admitter run against the stubs finds none and ends.
      calls.add({ activity: 'admitterStep', key: request.eventId, args: [request] });
      const none = { ranked: 0, admitted: 0, expired: 0, waiting: 0, outstanding: 0, used: 0, usedLastMinute: 0 };
      return Promise.resolve({
        ...none,
        waitingRoom: false,
        soldOut: false,
        saleOver: false,
        admissionTtlSeconds: 600,
        admissionRatePerMinute: 'auto' as const,
        opensAt: new Date(0).toISOString(),
      });
    },
  };
  return {
    activities,
    seed: upsert,
    /** From now on the booking's writes find the database away, until `back`. */
    away: (bookingId: string) => away.add(bookingId),
    back: (bookingId: string) => away.delete(bookingId),
  };
}

/** What the PostgreSQL driver throws when the server refuses the connection: not a refusal of the statement. */
function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}
