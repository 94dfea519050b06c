// The API as the box office calls it: one typed client per service (types generated from the served OpenAPI
// documents), all through the gateway's /api/v1, each request carrying the signed-in customer's access token. An
// expired token is refreshed once (the refresh token rotates: each refresh answers a new one) and the request repeated.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as BookingsPaths } from './bookings.gen.ts';
import type { paths as EventsPaths } from './events.gen.ts';
import type { paths as PaymentsPaths } from './payments.gen.ts';
import type { paths as UsersPaths } from './users.gen.ts';
import { session } from './session.ts';

export const API_BASE = '/api/v1';

/** Adds the access token; on a 401 for an expired or invalid token, refreshes the session once and repeats. */
const withToken: Middleware = {
  onRequest({ request }) {
    const token = session.accessToken();
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || !session.accessToken() || request.headers.has('x-eventix-retried')) return response;
    if (!(await session.refresh())) return response;
    const retry = new Request(request, { headers: new Headers(request.headers) });
    retry.headers.set('authorization', `Bearer ${session.accessToken()}`);
    retry.headers.set('x-eventix-retried', '1');
    return fetch(retry);
  },
};

function serviceClient<Paths extends object>() {
  const client = createClient<Paths>({ baseUrl: API_BASE });
  client.use(withToken);
  return client;
}

export const api = {
  users: serviceClient<UsersPaths>(),
  events: serviceClient<EventsPaths>(),
  bookings: serviceClient<BookingsPaths>(),
  payments: serviceClient<PaymentsPaths>(),
};

/** A fresh Idempotency-Key: one per user action, so a retried click or a lost answer never books twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/** A GET of a binary resource (the tickets PDF) with the token, as a blob URL the browser can open. */
export async function blobUrl(path: string): Promise<string> {
  const get = () => fetch(`${API_BASE}${path}`, { headers: { authorization: `Bearer ${session.accessToken() ?? ''}` } });
  let res = await get();
  if (res.status === 401 && (await session.refresh())) res = await get();
  if (!res.ok) throw new Error(`The file could not be loaded (${res.status}).`);
  return URL.createObjectURL(await res.blob());
}
