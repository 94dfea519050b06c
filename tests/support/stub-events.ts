// The events service's activities in memory, typed by the real factory: seats, holds and their expiry.
import { randomUUID } from 'node:crypto';
import { asActivity } from '../../activities/domain-failure.ts';
import type { EventsActivities, HoldSeatsInput } from '../../activities/events.activities.ts';
import type { HeldSeat, HoldResult } from '../../domain/events/seats.ts';
import { refuse, type CallLog } from './stub-calls.ts';
import { invalidMessageFormat } from './stub-failures.ts';

/** What each seat costs in these stubs. */
export const SEAT_PRICE_MINOR = 5_000;

interface StubHold {
  result: HoldResult;
  state: 'held' | 'released' | 'confirmed' | 'returned';
  /** The seats went to someone else while held (an admin release, say): confirming fails before expiry too. */
  lost: boolean;
  /** When the seats lapse (ms since the epoch): the hold's `expiresAt`, or later once extended for a charge. */
  heldUntil: number;
}

function seatsFor(input: HoldSeatsInput): HeldSeat[] {
  const ids = 'seatIds' in input.selection ? input.selection.seatIds : Array.from({ length: input.selection.quantity }, () => randomUUID());
  return ids.map((seatId, i) => ({ seatId, label: `Hall A-${i + 1}`, section: 'Hall', priceMinor: SEAT_PRICE_MINOR, currency: 'EUR' }));
}

/** Seats and holds as the events service keeps them: a seat is taken until its hold is released or returned. */
export function createStubEvents(calls: CallLog) {
  const holds = new Map<string, StubHold>();
  const taken = new Set<string>();
  /** Holds whose extension fails for good, as a database refusing the statement would. */
  const unextendable = new Set<string>();
  const activities: EventsActivities = {
    async holdSeats(input) {
      calls.add({ activity: 'holdSeats', key: input.holdId, args: [input] });
      const known = holds.get(input.holdId);
      if (known && (known.state === 'held' || known.state === 'confirmed')) return known.result;
      if (known) return refuse('conflict', 'HOLD_RELEASED', `Hold ${input.holdId} was already released.`);
      const seats = seatsFor(input);
      const clash = seats.map((s) => s.seatId).filter((id) => taken.has(id));
      if (clash.length > 0)
        return refuse('conflict', 'SEATS_UNAVAILABLE', 'Some of these seats are taken; nothing was held.', { seatIds: clash });
      for (const seat of seats) taken.add(seat.seatId);
      const result: HoldResult = {
        holdId: input.holdId,
        eventId: input.eventId,
        expiresAt: input.until,
        seats,
        totalMinor: seats.reduce((sum, s) => sum + s.priceMinor, 0),
        currency: 'EUR',
      };
      holds.set(input.holdId, { result, state: 'held', lost: false, heldUntil: Date.parse(input.until) });
      return result;
    },
    async extendHold(input) {
      calls.add({ activity: 'extendHold', key: input.holdId, args: [input] });
      if (unextendable.has(input.holdId)) return asActivity(() => Promise.reject(invalidMessageFormat()));
      const hold = holds.get(input.holdId);
      // A lapsed hold keeps seats nobody claimed since, as the events service keeps them; a lost one is not revived.
      if (hold?.state !== 'held' || hold.lost) {
        return refuse('conflict', 'SEATS_NO_LONGER_HELD', `Hold ${input.holdId} no longer owns its seats.`);
      }
      // Forward only, as the events service moves it.
      hold.heldUntil = Math.max(hold.heldUntil, Date.parse(input.until));
      return { holdId: input.holdId, seats: hold.result.seats.length, expiresAt: new Date(hold.heldUntil).toISOString() };
    },
    releaseSeats(holdId) {
      calls.add({ activity: 'releaseSeats', key: holdId, args: [holdId] });
      const hold = holds.get(holdId);
      if (hold?.state !== 'held') return Promise.resolve({ released: 0 });
      hold.state = 'released';
      for (const seat of hold.result.seats) taken.delete(seat.seatId);
      return Promise.resolve({ released: hold.result.seats.length });
    },
    async confirmSeats(holdId) {
      calls.add({ activity: 'confirmSeats', key: holdId, args: [holdId] });
      const hold = holds.get(holdId);
      if (hold?.state === 'confirmed') return hold.result;
      if (hold?.state !== 'held' || hold.lost || Date.now() >= hold.heldUntil) {
        return refuse('conflict', 'SEATS_NO_LONGER_HELD', `Hold ${holdId} no longer owns its seats.`);
      }
      hold.state = 'confirmed';
      return hold.result;
    },
    async returnSeats(holdId) {
      calls.add({ activity: 'returnSeats', key: holdId, args: [holdId] });
      const hold = holds.get(holdId);
      if (hold?.state === 'returned') return { returned: 0 };
      if (hold?.state !== 'confirmed') return refuse('conflict', 'HOLD_NOT_SOLD', `Hold ${holdId} was never confirmed.`);
      hold.state = 'returned';
      for (const seat of hold.result.seats) taken.delete(seat.seatId);
      return { returned: hold.result.seats.length };
    },
  };
  return {
    activities,
    /** Seats someone else holds or bought. */
    take: (seatIds: string[]) => seatIds.forEach((id) => taken.add(id)),
    isTaken: (seatId: string) => taken.has(seatId),
    lose: (holdId: string) => {
      holds.get(holdId)!.lost = true;
    },
    /** The hold cannot be extended (its database refuses the statement): its seats keep their original expiry. */
    keepExpiry: (holdId: string) => {
      unextendable.add(holdId);
    },
    /** When the hold's seats lapse now (ms since the epoch), extended or not. */
    heldUntil: (holdId: string) => holds.get(holdId)?.heldUntil,
    /** A booking confirmed earlier: its hold is a sale. */
    sold: (result: HoldResult) => {
      holds.set(result.holdId, { result, state: 'confirmed', lost: false, heldUntil: Date.parse(result.expiresAt) });
      for (const seat of result.seats) taken.add(seat.seatId);
    },
  };
}
