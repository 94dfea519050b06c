// The API as the box office calls it: one typed client per service (types generated from the served OpenAPI
// documents), all through the gateway's /api/v1, each request carrying the signed-in customer's access token. A token
// about to expire is refreshed before the request goes; one the API still refuses as expired or invalid is refreshed
// once (the refresh token rotates: each refresh answers a new one) and the request repeated from a copy kept before
// it was sent, so a request with a body (a payment, a scan) is repeated whole. Every answer also tells the server's
// clock (clock.ts).
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as BookingsPaths } from './bookings.gen.ts';
import type { paths as EventsPaths } from './events.gen.ts';
import type { paths as PaymentsPaths } from './payments.gen.ts';
import type { paths as UsersPaths } from './users.gen.ts';
import { fetchLearningTime, learnServerTime } from './clock.ts';
import { session } from './session.ts';

export const API_BASE = '/api/v1';

/** The requests that carry their own credentials (or none): every other one carries the access token, logout too. */
const OWN_CREDENTIALS = new Set(['/auth/register', '/auth/login', '/auth/refresh'].map((path) => `${API_BASE}${path}`));

/** The problem codes of a token that a refresh can cure. */
const REFRESHABLE = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID']);

/** Unsent copies of requests that carry a token, by request id, for the one repeat after a refresh. */
const copies = new Map<string, Request>();

async function refusedForToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const problem = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { code?: string } | undefined;
  return REFRESHABLE.has(problem?.code ?? '');
}

const withToken: Middleware = {
  async onRequest({ request, id }) {
    if (OWN_CREDENTIALS.has(new URL(request.url).pathname) || request.headers.has('authorization')) return request;
    if (session.expiresSoon()) await session.refresh();
    const token = session.accessToken();
    if (!token) return request;
    request.headers.set('authorization', `Bearer ${token}`);
    copies.set(id, request.clone());
    return request;
  },
  async onResponse({ response, id }) {
    const copy = copies.get(id);
    copies.delete(id);
    if (!copy || !(await refusedForToken(response)) || !(await session.refresh())) return response;
    copy.headers.set('authorization', `Bearer ${session.accessToken()}`);
    return fetchLearningTime(copy);
  },
  onError({ id }) {
    copies.delete(id);
  },
};

/** When each request left, by request id, to learn the server's clock from its answer. */
const sentAt = new Map<string, number>();

// Registered after withToken, so it runs last before the request goes (after any refresh) and first on its answer.
const learnsServerTime: Middleware = {
  onRequest({ id }) {
    sentAt.set(id, Date.now());
  },
  onResponse({ request, response, id }) {
    const sent = sentAt.get(id);
    sentAt.delete(id);
    if (sent !== undefined) learnServerTime(request.method, sent, response);
  },
  onError({ id }) {
    sentAt.delete(id);
  },
};

function serviceClient<Paths extends object>() {
  const client = createClient<Paths>({ baseUrl: API_BASE });
  client.use(withToken, learnsServerTime);
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

/** A GET with the token, refreshed first when it is about to expire (for files and streams the typed client cannot read). */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  if (session.expiresSoon()) await session.refresh();
  const get = () =>
    fetchLearningTime(`${API_BASE}${path}`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${session.accessToken() ?? ''}` },
    });
  const res = await get();
  if ((await refusedForToken(res)) && (await session.refresh())) return get();
  return res;
}

/** A GET of a binary resource (the tickets PDF) with the token, as a blob URL the browser can open. */
export async function blobUrl(path: string): Promise<string> {
  const res = await authorizedFetch(path);
  if (!res.ok) throw new Error(`The file could not be loaded (${res.status}).`);
  return URL.createObjectURL(await res.blob());
}
