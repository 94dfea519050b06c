// The seats of an event free right now, per section, as the events service counts them (its public availability
// route): what the waiting list asks before it takes a join and before it makes offers.
import { z } from 'zod';
import { DomainError } from '../../common/errors/domain-error.ts';
import { createServiceClient, UpstreamUnavailable } from '../../common/http/service-client.ts';

export interface FreeSection {
  sectionId: string;
  available: number;
}

/** The event's sections in the venue's order with their free seats; null when the events service has no such event on sale. */
export type FreeSeats = (eventId: string) => Promise<FreeSection[] | null>;

const Availability = z.object({
  sections: z.array(z.object({ sectionId: z.uuid(), available: z.number().int() })),
});

/** The events service away: a moment is enough for another instance, or the same one back. */
const SEATS_NOT_READ_RETRY_AFTER_SECONDS = 2;

export function eventsFreeSeats(eventsUrls: string[], doFetch: typeof fetch = fetch): FreeSeats {
  const events = createServiceClient({ service: 'events', instances: eventsUrls, fetch: doFetch });
  return async (eventId) => {
    try {
      return await events.call(`/events/${encodeURIComponent(eventId)}/availability`, async (res) => {
        // A draft or unknown event answers 404 on every instance alike: that is the answer, not an instance's failure.
        if (res.status === 404) return null;
        if (!res.ok) throw new Error(`answered ${res.status}`);
        return Availability.parse(await res.json()).sections.map(({ sectionId, available }) => ({ sectionId, available }));
      });
    } catch (err) {
      if (err instanceof UpstreamUnavailable) {
        throw new DomainError('unavailable', 'SEATS_NOT_READ', 'The free seats of the event could not be read right now. Try again.', {
          retryAfterSeconds: SEATS_NOT_READ_RETRY_AFTER_SECONDS,
        });
      }
      throw err;
    }
  };
}
