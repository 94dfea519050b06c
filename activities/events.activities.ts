// Seat activities on the `events` task queue: what the booking saga asks of the events service.
import type { Orm } from '../common/db/orm.ts';
import {
  confirmSeats,
  extendHold,
  holdSeats,
  releaseSeats,
  returnSeats,
  type HoldExtension,
  type HoldResult,
  type SeatSelection,
} from '../domain/events/seats.ts';
import { asActivity } from './domain-failure.ts';

export interface HoldSeatsInput {
  holdId: string;
  eventId: string;
  customerId: string;
  selection: SeatSelection;
  /** ISO instant the hold lapses. */
  until: string;
}

export interface ExtendHoldInput {
  holdId: string;
  /** ISO instant the hold's seats are kept until, at least. */
  until: string;
}

export function createEventsActivities(deps: { orm: Orm; maxSeatsPerCustomer: number }) {
  const em = () => deps.orm.em.fork();
  return {
    /** All the seats or none; SEATS_UNAVAILABLE, HOLD_LIMIT_EXCEEDED, EVENT_NOT_ON_SALE … are non-retryable. */
    holdSeats: (input: HoldSeatsInput): Promise<HoldResult> =>
      asActivity(() => holdSeats(em(), { ...input, until: new Date(input.until), maxSeatsPerCustomer: deps.maxSeatsPerCustomer })),
    /** Keeps a hold's seats while its charge is in flight; SEATS_NO_LONGER_HELD (non-retryable) once it lapsed or was lost. */
    extendHold: (input: ExtendHoldInput): Promise<HoldExtension> => asActivity(() => extendHold(em(), input.holdId, new Date(input.until))),
    releaseSeats: (holdId: string) => asActivity(() => releaseSeats(em(), holdId)),
    /** Held → sold; SEATS_NO_LONGER_HELD (non-retryable) once the hold expired or lost its seats. */
    confirmSeats: (holdId: string) => asActivity(() => confirmSeats(em(), holdId)),
    returnSeats: (holdId: string) => asActivity(() => returnSeats(em(), holdId)),
  };
}

export type EventsActivities = ReturnType<typeof createEventsActivities>;
