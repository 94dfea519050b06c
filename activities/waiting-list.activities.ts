// Waiting-list activities on the `bookings` task queue: one pass over an event's list (settle the offers out, tell
// customers of offers now held, pick the next entries), for the waiting-list workflow.
import type { Orm } from '../common/db/orm.ts';
import type { BookingMetrics } from '../domain/bookings/booking-metrics.ts';
import { servePass, type OfferToMake, type PassResult } from '../domain/bookings/waiting-list-offers.ts';
import { eventsFreeSeats, type FreeSeats } from '../domain/bookings/waiting-list-seats.ts';
import { asActivity } from './domain-failure.ts';

export type { OfferToMake, PassResult };

export interface WaitingListActivityDeps {
  orm: Orm;
  /** The events service's instances, whose availability says which seats are free. */
  eventsUrls: string[];
  /** Stands in for the events service's counts (tests). */
  freeSeats?: FreeSeats;
  /** Nudges the outbox relay after a pass that wrote facts (the offers' notifications). */
  published: () => void;
  /** Offers settled in each pass. */
  metrics?: Pick<BookingMetrics, 'waitingListOffers'>;
}

export function createWaitingListActivities(deps: WaitingListActivityDeps) {
  let freeSeats = deps.freeSeats;
  return {
    /** The events service away is retried (SEATS_NOT_READ is `unavailable`); an event gone from sale offers nothing more. */
    serveWaitingList: (eventId: string): Promise<PassResult> =>
      asActivity(async () => {
        const free = await (freeSeats ??= eventsFreeSeats(deps.eventsUrls))(eventId);
        const result = await servePass(deps.orm.em.fork(), eventId, free);
        deps.published();
        // Counted once: each offer is settled in the pass's transaction, which a retry finds already written.
        deps.metrics?.waitingListOffers.inc({ outcome: 'accepted' }, result.accepted);
        deps.metrics?.waitingListOffers.inc({ outcome: 'lapsed' }, result.lapsed);
        return result;
      }),
  };
}

export type WaitingListActivities = ReturnType<typeof createWaitingListActivities>;
