// A cheap read before any workflow starts: in a rush most requests lose, and a loser should cost a read, not a saga.
// The hold activity stays the authority; this only turns away what is already visibly taken.
import { HttpProblem } from '../../common/http/problem.ts';
import type { SeatSelection } from '../../workflows/booking-types.ts';

type SeatMap = { seats: { seatId: string; sectionId: string; status: string }[] };

export async function precheckAvailability(
  eventsUrls: string[],
  eventId: string,
  selection: SeatSelection,
  doFetch: typeof fetch = fetch,
): Promise<void> {
  let map: SeatMap | undefined;
  for (const base of eventsUrls) {
    try {
      const res = await doFetch(`${base}/events/${eventId}/seats`, { signal: AbortSignal.timeout(3_000) });
      if (res.status === 404) throw new HttpProblem(404, 'EVENT_NOT_FOUND', 'No event with this id.');
      if (res.status === 409) throw new HttpProblem(409, 'EVENT_NOT_ON_SALE', 'Tickets for this event are not on sale.');
      if (res.ok) {
        map = (await res.json()) as SeatMap;
        break;
      }
    } catch (err) {
      if (err instanceof HttpProblem) throw err;
      // Another instance may answer; with none, the hold activity decides alone.
    }
  }
  if (!map) return;
  if ('seatIds' in selection) {
    const byId = new Map(map.seats.map((s) => [s.seatId, s.status]));
    const unknown = selection.seatIds.filter((id) => !byId.has(id) || byId.get(id) === 'blocked');
    if (unknown.length) {
      throw new HttpProblem(
        422,
        'SEAT_NOT_FOUND',
        'Some seats are not for sale at this event.',
        unknown.map((id) => ({ field: `seats.${id}`, message: 'is not a seat for sale at this event' })),
      );
    }
    const taken = selection.seatIds.filter((id) => byId.get(id) !== 'available');
    if (taken.length) {
      throw new HttpProblem(
        409,
        'SEATS_UNAVAILABLE',
        'Some of these seats are already taken; nothing was held.',
        taken.map((id) => ({ field: `seats.${id}`, message: 'is already taken' })),
      );
    }
    return;
  }
  const free = map.seats.filter((s) => s.sectionId === selection.sectionId && s.status === 'available').length;
  if (free < selection.quantity)
    throw new HttpProblem(409, 'SEATS_UNAVAILABLE', `Only ${free} seats are left in this section; nothing was held.`);
}
