// Facts the events service publishes about its events.
import { z } from 'zod';
import { defineEvent } from './envelope.ts';

const EventFacts = z.object({
  eventId: z.uuid(),
  title: z.string(),
  venueId: z.uuid(),
  venueName: z.string(),
  /** Added later in v1: absent from facts published before (a consumer reads them as unknown). */
  venueAddress: z.string().nullable().optional(),
  /** The venue's IANA time zone (e.g. Europe/Berlin), in which its events' times are shown. */
  timeZone: z.string().optional(),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }).nullable(),
  status: z.enum(['draft', 'published', 'cancelled', 'completed']),
});

export const eventPublishedV1 = defineEvent('event.published', 1, EventFacts);
export const eventUpdatedV1 = defineEvent('event.updated', 1, EventFacts);
export const eventCancelledV1 = defineEvent('event.cancelled', 1, EventFacts.extend({ reason: z.string().nullable() }));
