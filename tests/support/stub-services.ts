// The events, payments and bookings stub activities over one call log, for a workflow test to run and inspect.
import { createStubBookings } from './stub-bookings.ts';
import { CallLog } from './stub-calls.ts';
import { createStubEvents } from './stub-events.ts';
import { createStubPayments } from './stub-payments.ts';

export { SEAT_PRICE_MINOR } from './stub-events.ts';

/** The three stub services over one call log. */
export function createStubServices() {
  const calls = new CallLog();
  return { calls, events: createStubEvents(calls), payments: createStubPayments(calls), bookings: createStubBookings(calls) };
}
