// The server's clock as the box office knows it. The instants the API gives (a hold's expiresAt, a token's exp, an
// event's start) are the server's, and the door checks a ticket's rotating code against its own clock; a device whose
// clock is minutes off would count a hold down wrongly and show codes the door refuses. So the device clock's offset
// from the server's is learned from the Date header of API answers, and serverNow() is the device clock corrected by it.
//
// A Date header names the whole second in which the answer was made, at some moment between the request leaving and
// the answer arriving. One answer thus bounds the offset to [date − arrived, date + 1 s − sent] (widened a little for
// the server's own lag and the small differences between instances); each later answer narrows it, so the 1 s
// resolution fades after a few requests, and the estimate is the middle of what is known. An answer outside what is
// known (the device clock was set meanwhile) starts the estimate over from that answer.

/** Leeway on each side of an answer's bounds: a busy server's cached Date string, instances' clocks a little apart. */
const LEEWAY_MS = 100;
const DATE_RESOLUTION_MS = 1000;

interface Bounds {
  low: number;
  high: number;
}

let known: Bounds | undefined;
let offsetMs = 0;

/** Now on the server's clock, in ms since the epoch: what to compare the API's instants with. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** A server instant on the device's clock, for showing a deadline the customer compares with their own clock. */
export function onDeviceClock(serverInstant: string | number): Date {
  return new Date(new Date(serverInstant).getTime() - offsetMs);
}

/**
 * Whether the answer was made by the server just now. An answer the browser's cache could have given carries the Date
 * of when it was first made, so only answers no cache keeps or reuses unasked count: anything but a GET, `no-store`,
 * and GETs with neither a lifetime nor a validator.
 */
function madeJustNow(method: string, response: Response): boolean {
  if (method !== 'GET' && method !== 'HEAD') return true;
  const cacheControl = response.headers.get('cache-control') ?? '';
  if (/\bno-store\b/.test(cacheControl)) return true;
  if (/\b(max-age|s-maxage)\b/.test(cacheControl)) return false;
  return !['etag', 'last-modified', 'expires'].some((name) => response.headers.has(name));
}

/** Learns from one answer to a request sent at `sentAt` (device clock, ms), arrived now. */
export function learnServerTime(method: string, sentAt: number, response: Response): void {
  const arrivedAt = Date.now();
  const date = Date.parse(response.headers.get('date') ?? '');
  if (Number.isNaN(date) || arrivedAt < sentAt || !madeJustNow(method, response)) return;
  const sample = { low: date - arrivedAt - LEEWAY_MS, high: date + DATE_RESOLUTION_MS - sentAt + LEEWAY_MS };
  const low = Math.max(sample.low, known?.low ?? -Infinity);
  const high = Math.min(sample.high, known?.high ?? Infinity);
  known = low <= high ? { low, high } : sample;
  offsetMs = Math.round((known.low + known.high) / 2);
}

/** fetch, learning the server's clock from the answer. */
export async function fetchLearningTime(input: Request | string, init?: RequestInit): Promise<Response> {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const sentAt = Date.now();
  const response = await fetch(input, init);
  learnServerTime(method, sentAt, response);
  return response;
}
