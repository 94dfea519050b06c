// A cheap read before any workflow starts: in a rush most requests lose, and a loser should cost a read, not a saga.
// The hold activity stays the authority; this only turns away what is already visibly taken.
import { DomainError } from '../../common/errors/domain-error.ts';
import { createServiceClient, okJson, UpstreamUnavailable } from '../../common/http/service-client.ts';
import type { SeatSelection } from '../../workflows/booking-types.ts';

type SeatMap = { seats: { seatId: string; sectionId: string; status: string }[] };

export async function precheckAvailability(
  eventsUrls: string[],
  eventId: string,
  selection: SeatSelection,
  doFetch: typeof fetch = fetch,
): Promise<void> {
  const events = createServiceClient({ service: 'events', instances: eventsUrls, fetch: doFetch });
  // 404 and 409 are the events service's word on the event; any other failure sends the read to the next instance.
  const answer = await events
    .call(`/events/${eventId}/seats`, async (res) =>
      res.status === 404 || res.status === 409 ? { status: res.status } : { status: res.status, map: (await okJson(res)) as SeatMap },
    )
    .catch((err: unknown) => {
      // With no instance answering, the hold activity decides alone.
      if (err instanceof UpstreamUnavailable) return undefined;
      throw err;
    });
  if (answer?.status === 404) throw new DomainError('not_found', 'EVENT_NOT_FOUND', 'No event with this id.');
  if (answer?.status === 409) throw new DomainError('conflict', 'EVENT_NOT_ON_SALE', 'Tickets for this event are not on sale.');
  const map = answer?.map;
  if (!map) return;
  if ('seatIds' in selection) {
    const byId = new Map(map.seats.map((s) => [s.seatId, s.status]));
    const unknown = selection.seatIds.filter((id) => !byId.has(id) || byId.get(id) === 'blocked');
    if (unknown.length) {
      throw new DomainError('invalid', 'SEAT_NOT_FOUND', 'Some seats are not for sale at this event.', {
        seatIds: unknown,
        errors: unknown.map((id) => ({ field: `seats.${id}`, message: 'is not a seat for sale at this event' })),
      });
    }
    const taken = selection.seatIds.filter((id) => byId.get(id) !== 'available');
    if (taken.length) {
      throw new DomainError('conflict', 'SEATS_UNAVAILABLE', 'Some of these seats are already taken; nothing was held.', {
        seatIds: taken,
        errors: taken.map((id) => ({ field: `seats.${id}`, message: 'is already taken' })),
      });
    }
    return;
  }
  const free = map.seats.filter((s) => s.sectionId === selection.sectionId && s.status === 'available').length;
  if (free < selection.quantity)
    throw new DomainError('conflict', 'SEATS_UNAVAILABLE', `Only ${free} seats are left in this section; nothing was held.`);
}
