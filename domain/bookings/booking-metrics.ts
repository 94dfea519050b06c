// The bookings service's own figures: how sagas end, how long a hold takes to answer, and why holds are refused.
import client from 'prom-client';

export type BookingMetrics = ReturnType<typeof createBookingMetrics>;

export function createBookingMetrics(registry: client.Registry) {
  const registers = [registry];
  return {
    bookingOutcomes: new client.Counter({
      name: 'eventix_booking_outcomes_total',
      help: 'Booking sagas ended, by final status',
      labelNames: ['status'],
      registers,
    }),
    holdDuration: new client.Histogram({
      name: 'eventix_hold_duration_seconds',
      help: 'POST /bookings: from the request to the hold answer (HELD or refused)',
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    holdsRefused: new client.Counter({
      name: 'eventix_holds_refused_total',
      help: 'Holds refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
  };
}
