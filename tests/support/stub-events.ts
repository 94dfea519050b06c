// The events service's activities in memory, typed by the real factory: seats, holds and their expiry.
import { randomUUID } from 'node:crypto';
import type { EventsActivities, HoldSeatsInput } from '../../activities/events.activities.ts';
import type { HeldSeat, HoldResult } from '../../domain/events/seats.ts';
import { refuse, type CallLog } from './stub-calls.ts';

/** What each seat costs in these stubs. */
export const SEAT_PRICE_MINOR = 5_000;

interface StubHold {
  result: HoldResult;
  state: 'held' | 'released' | 'confirmed' | 'returned';
  /** The seats went to someone else while held (an admin release, say): confirming fails before expiry too. */
  lost: boolean;
}

function seatsFor(input: HoldSeatsInput): HeldSeat[] {
  const ids = 'seatIds' in input.selection ? input.selection.seatIds : Array.from({ length: input.selection.quantity }, () => randomUUID());
  return ids.map((seatId, i) => ({ seatId, label: `Hall A-${i + 1}`, section: 'Hall', priceMinor: SEAT_PRICE_MINOR, currency: 'EUR' }));
}

/** Seats and holds as the events service keeps them: a seat is taken until its hold is released or returned. */
export function createStubEvents(calls: CallLog) {
  const holds = new Map<string, StubHold>();
  const taken = new Set<string>();
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
      holds.set(input.holdId, { result, state: 'held', lost: false });
      return result;
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
      if (hold?.state !== 'held' || hold.lost || Date.now() >= Date.parse(hold.result.expiresAt)) {
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
    /** A booking confirmed earlier: its hold is a sale. */
    sold: (result: HoldResult) => {
      holds.set(result.holdId, { result, state: 'confirmed', lost: false });
      for (const seat of result.seats) taken.add(seat.seatId);
    },
  };
}
