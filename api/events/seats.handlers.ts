// The seat routes' handlers, served from the in-memory seat state with ETag and Cache-Control; and the availability
// counts the live stream sends too.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { isAdmin } from '../../common/auth/middleware.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import type { EventSeats, SeatState } from '../../domain/events/seat-state.ts';
import type { SectionAvailability } from '../../domain/events/seats.ts';
import type { SeatHandlers } from './seats.routes.ts';
import { compactSeatMap } from './schemas.ts';

/**
 * Live data (seats, availability): shared caches may keep it, but must ask again before each use; the ETag makes that
 * a 304 answered from memory. Event details change rarely and may be a few seconds old. Drafts are for admins only.
 */
export const LIVE_CACHE = 'public, no-cache';
export const DETAILS_CACHE = 'public, max-age=5';
export const PRIVATE_CACHE = 'private, no-cache';

/** A serialised answer and its entity tag (a hash of its bytes, so every instance tags the same answer alike). */
export interface Representation {
  body: string;
  etag: string;
}

export function representation(value: unknown): Representation {
  const body = JSON.stringify(value);
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** Whether If-None-Match names this tag (weak comparison, RFC 9110 §13.1.2). */
function notModified(c: Context, etag: string): boolean {
  const header = c.req.header('if-none-match');
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** 200 with the body, or 304 when the client's copy is current; both carry the tag and how long it may be kept. */
export function conditionalJson(c: Context, answer: Representation, cacheControl: string): Response {
  const headers = { etag: answer.etag, 'cache-control': cacheControl };
  if (notModified(c, answer.etag)) return c.body(null, 304, headers);
  return c.body(answer.body, 200, { ...headers, 'content-type': 'application/json' });
}

function notFound(): DomainError {
  return new DomainError('not_found', 'EVENT_NOT_FOUND', 'No event with this id.');
}

/** The event as the caller may see it: drafts only for admins (404 for everyone else). */
export async function visibleSeats(state: SeatState, c: Context, eventId: string): Promise<EventSeats> {
  const seats = await state.get(eventId);
  if (!seats.event || (seats.event.status === 'draft' && !isAdmin(c))) throw notFound();
  return seats;
}

/** A published (or past) event: seats are for sale once it is published. */
export async function publishedSeats(state: SeatState, c: Context, eventId: string): Promise<EventSeats> {
  const seats = await visibleSeats(state, c, eventId);
  if (seats.event!.status === 'draft') throw new HttpProblem(409, 'EVENT_NOT_PUBLISHED', 'Seats are for sale once the event is published.');
  return seats;
}

function totals(sections: SectionAvailability[]) {
  return sections.reduce(
    (sum, s) => ({ total: sum.total + s.total, available: sum.available + s.available, held: sum.held + s.held, sold: sum.sold + s.sold }),
    { total: 0, available: 0, held: 0, sold: 0 },
  );
}

/** Seats per section and price tier, with the totals over all sections. */
export function availabilityOf(seats: EventSeats) {
  const sections = seats.availability();
  return { eventId: seats.eventId, sections, totals: totals(sections) };
}

export function seatHandlers(state: SeatState): SeatHandlers {
  return {
    seatMap: async (c) => {
      const seats = await publishedSeats(state, c, c.req.valid('param').id);
      const answer = seats.memo('seat-map', () => representation({ eventId: seats.eventId, seats: seats.seats }));
      return conditionalJson(c, answer, LIVE_CACHE);
    },
    compactSeatMap: async (c) => {
      const seats = await publishedSeats(state, c, c.req.valid('param').id);
      // A published event's venue exists (an event is made at one, and a venue is never deleted).
      const answer = seats.memo('seat-map-compact', () =>
        representation({ ...compactSeatMap(seats.eventId, seats.seats), venue: seats.venue! }),
      );
      return conditionalJson(c, answer, LIVE_CACHE);
    },
    availability: async (c) => {
      const seats = await publishedSeats(state, c, c.req.valid('param').id);
      const answer = seats.memo('availability-answer', () => representation(availabilityOf(seats)));
      return conditionalJson(c, answer, LIVE_CACHE);
    },
  };
}
