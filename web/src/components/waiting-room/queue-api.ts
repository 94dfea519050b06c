// The event's on-sale and the customer's place in its waiting room, as the bookings service answers them.
import { api } from '../../api/client.ts';
import type { components } from '../../api/bookings.gen.ts';
import { must, problemOf } from '../../api/problems.ts';

export type OnSale = components['schemas']['OnSale'];
export type QueuePlace = components['schemas']['QueuePlace'];
export type PlaceState = QueuePlace['state'];

/** States after which a place changes no more (the live stream ends with them). */
export const FINAL_STATES: ReadonlySet<PlaceState> = new Set(['used', 'expired', 'sold_out']);

/** The codes that say there is no place to show: none was taken, or the event sells without a waiting room now. */
export const NO_PLACE: ReadonlySet<string> = new Set(['NOT_IN_QUEUE', 'ON_SALE_NOT_SET']);

const onEvent = (id: string) => ({ params: { path: { id } } });

/**
 * The event's on-sale, or null when it has none (404 ON_SALE_NOT_SET: it sells as it always has). One that cannot be
 * read now is taken as none too: the event page still shows, and a hold that needed an admission says so in words.
 */
export async function loadOnSale(eventId: string): Promise<OnSale | null> {
  try {
    const { data } = await api.bookings.GET('/events/{id}/on-sale', onEvent(eventId));
    return data ?? null;
  } catch {
    return null;
  }
}

/** Joins the queue: the place (a new one, or the one this account has already). */
export function joinQueue(eventId: string): Promise<QueuePlace> {
  return must(api.bookings.POST('/events/{id}/queue', onEvent(eventId)));
}

/** The place now. */
export function readPlace(eventId: string, signal?: AbortSignal): Promise<QueuePlace> {
  return must(api.bookings.GET('/events/{id}/queue/me', { ...onEvent(eventId), signal }));
}

/** Gives the place up, with an admission not used yet. */
export async function leaveQueue(eventId: string): Promise<void> {
  let answer;
  try {
    answer = await api.bookings.DELETE('/events/{id}/queue/me', onEvent(eventId));
  } catch {
    throw problemOf(undefined);
  }
  if (!answer.response.ok) throw problemOf(answer.error, answer.response);
}
