// The customer's entry on a sold-out event's waiting list, as the bookings service answers it.
import { api } from '../../api/client.ts';
import type { components } from '../../api/bookings.gen.ts';
import { must } from '../../api/problems.ts';

export type WaitingListEntry = components['schemas']['WaitingListEntry'];
export type WaitingListJoin = components['schemas']['WaitingListJoin'];

const onEvent = (id: string) => ({ params: { path: { id } } });

/** Joins the list: the new entry, or the one this account has already (whatever its state). */
export function joinWaitingList(eventId: string, body: WaitingListJoin): Promise<WaitingListEntry> {
  return must(api.bookings.POST('/events/{id}/waiting-list', { ...onEvent(eventId), body }));
}

export function readEntry(eventId: string): Promise<WaitingListEntry> {
  return must(api.bookings.GET('/events/{id}/waiting-list/me', onEvent(eventId)));
}

/** Leaves the list, giving up an offer not paid yet: the entry as left. */
export function leaveWaitingList(eventId: string): Promise<WaitingListEntry> {
  return must(api.bookings.DELETE('/events/{id}/waiting-list/me', onEvent(eventId)));
}
