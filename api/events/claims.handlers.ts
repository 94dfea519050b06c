// The /internal/holds handlers: a claim is the domain's holdSeats under the booking's id, so the saga that adopts it (or
// runs its own hold step with the same id) gets this very hold, and a release is the domain's releaseSeats.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { isFromGateway } from '../../common/http/client-address.ts';
import { HttpProblem } from '../../common/http/problem.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import type { SeatState } from '../../domain/events/seat-state.ts';
import { holdKnown, holdSeats, releaseSeats, type SeatSelection } from '../../domain/events/seats.ts';
import type { ClaimHandlers } from './claims.routes.ts';
import type { EventsRouteDeps } from './events.deps.ts';

export interface ClaimSettings {
  /** The platform secret (GATEWAY_SECRET): only the platform's own processes may claim or release seats. */
  gatewaySecret: string;
  /** Seats one customer may hold at once for one event (SEATS_PER_CUSTOMER_MAX), as the saga's hold step counts them. */
  maxSeatsPerCustomer: number;
  /**
   * The seats of each event in memory, kept current by the seat feed: what it shows taken is refused at once. While
   * the feed is down (`live` false) the memory holds nothing, so claims go straight to the database.
   */
  seats: Pick<SeatState, 'get'> & Partial<Pick<SeatState, 'live'>>;
}

/**
 * Without the platform secret and the per-customer limit an instance refuses every claim with 403, and the bookings
 * service falls back to the saga's own hold step: slower for losers, never wrong.
 */
export function claimHandlers(deps: Pick<EventsRouteDeps, 'ctx'> & Partial<ClaimSettings>): ClaimHandlers {
  const { ctx, gatewaySecret, maxSeatsPerCustomer } = deps;
  const refuseStrangers = (c: Parameters<typeof isFromGateway>[0]) => {
    if (!gatewaySecret || maxSeatsPerCustomer === undefined || !isFromGateway(c, gatewaySecret)) {
      throw new HttpProblem(403, 'FORBIDDEN', 'Only platform processes may claim or release seats.');
    }
    return maxSeatsPerCustomer;
  };
  return {
    platformOnly: async (c, next) => {
      refuseStrangers(c);
      await next();
    },
    claim: async (c) => {
      const maxSeats = refuseStrangers(c);
      const body = c.req.valid('json');
      const selection: SeatSelection = 'seatIds' in body.selection ? { seatIds: [...new Set(body.selection.seatIds)] } : body.selection;
      // Seats the memory shows taken are refused before the claim, unless this hold id was claimed before (a retry, or a
      // second instance asked while the first one's claim committed): its own seats look taken, and the claim answers
      // its first result. While the feed is down the memory keeps nothing (each look would be a full load): the
      // database alone decides.
      const memory = deps.seats?.live === false ? undefined : deps.seats;
      if (memory) await refuseVisiblyTaken(memory, body.eventId, selection, () => holdKnown(ctx.orm.em.fork(), body.holdId));
      const request = { ...body, selection, until: new Date(body.until), maxSeatsPerCustomer: maxSeats };
      const hold = await retryOnceOnRace(() => holdSeats(ctx.orm.em.fork(), request));
      return c.json(hold, 200);
    },
    release: async (c) => {
      refuseStrangers(c);
      const { id } = c.req.valid('param');
      const { released } = await retryOnceOnRace(() => releaseSeats(ctx.orm.em.fork(), id));
      return c.json({ holdId: id, released }, 200);
    },
  };
}

/**
 * Refuses what the in-memory seat state shows taken, with the refusal the database would give for the seats (a
 * customer over the per-customer limit hears SEATS_UNAVAILABLE here rather than HOLD_LIMIT_EXCEEDED). Only an event on
 * sale is judged here; an unknown event or seat, a closed sale and anything the memory cannot read are left to the
 * database, as is every seat it shows free (the claim there is the authority).
 */
async function refuseVisiblyTaken(
  state: Pick<SeatState, 'get'>,
  eventId: string,
  selection: SeatSelection,
  claimedBefore: () => Promise<boolean>,
): Promise<void> {
  const seats = await state.get(eventId).catch(() => undefined);
  const event = seats?.event;
  if (!seats || event?.status !== 'published') return;
  const now = Date.now();
  if ((event.salesOpenAt && now < event.salesOpenAt.getTime()) || now >= (event.salesCloseAt ?? event.startsAt).getTime()) return;
  if ('seatIds' in selection) {
    const { unknown, taken } = seats.check(selection.seatIds);
    if (unknown.length > 0 || taken.length === 0 || (await claimedBefore())) return;
    throw new DomainError('conflict', 'SEATS_UNAVAILABLE', 'Some of these seats are already taken; nothing was held.', {
      seatIds: taken,
      errors: taken.map((seatId) => ({ field: `seats.${seatId}`, message: 'is already taken' })),
    });
  }
  const free = seats.freeInSection(selection.sectionId);
  // A section this event does not sell has no free seats either way; the database says so in its own words.
  if (free >= selection.quantity || !seats.seats.some((s) => s.sectionId === selection.sectionId) || (await claimedBefore())) return;
  throw new DomainError('conflict', 'SEATS_UNAVAILABLE', `Only ${free} seats are left in this section; nothing was held.`);
}

/**
 * A claim and a release of a hold id nobody used yet both insert its seat_hold row; the one that commits second fails
 * on the key and rolls back whole. Run again, it finds the other's row: a claim after a release answers HOLD_RELEASED,
 * a release after a claim frees the claimed seats.
 */
async function retryOnceOnRace<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
    return run();
  }
}
