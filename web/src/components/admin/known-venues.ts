// The venues an admin can pick from. The API has no list of venues (only GET /venues/{id}), so these are the venues
// of the events it lists plus those created in this browser, each read from the API.
import { api } from '../../api/client.ts';
import type { components } from '../../api/events.gen.ts';
import { must } from '../../api/problems.ts';

export type Venue = components['schemas']['Venue'];

const STORE = 'eventix.admin.venues';

function rememberedIds(): string[] {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(STORE) ?? '[]');
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Keeps a venue made here so the lists can offer it before any event uses it. */
export function rememberVenue(id: string): void {
  const ids = rememberedIds().filter((known) => known !== id);
  localStorage.setItem(STORE, JSON.stringify([id, ...ids].slice(0, 200)));
}

async function venueIdsOfEvents(): Promise<string[]> {
  const page = await must(api.events.GET('/events', { params: { query: { limit: 100 } } }));
  return page.items.map((e) => e.venueId);
}

/** Every known venue, newest remembered first; one that no longer answers is left out. */
export async function knownVenues(): Promise<Venue[]> {
  const ids = [...new Set([...rememberedIds(), ...(await venueIdsOfEvents())])];
  const venues = await Promise.all(ids.map(async (id) => (await api.events.GET('/venues/{id}', { params: { path: { id } } })).data));
  return venues.filter((v): v is Venue => v !== undefined);
}
