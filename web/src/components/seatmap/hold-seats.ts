// Holding seats: POST /bookings with an Idempotency-Key (one per hold attempt, so a repeated click or a lost answer
// never holds twice), with the admission from the waiting room when the event sells through one, and its refusals as
// the map needs them: the seats taken meanwhile, and how long to wait.
import { api } from '../../api/client.ts';
import type { components } from '../../api/bookings.gen.ts';
import { problemOf, type Problem } from '../../api/problems.ts';

export type Booking = components['schemas']['Booking'];
export type HoldRequest = { seats: string[] } | { section: string; quantity: number };

export type HoldOutcome = { booking: Booking } | { problem: Problem; takenSeatIds: string[] };

/** The seats a 409 SEATS_UNAVAILABLE names: its field errors are `seats.<seatId>`. */
function takenSeats(problem: Problem): string[] {
  if (problem.code !== 'SEATS_UNAVAILABLE') return [];
  return (problem.errors ?? []).filter((e) => e.field.startsWith('seats.')).map((e) => e.field.slice('seats.'.length));
}

/** Holds the seats; `admissionToken` is the customer's admission while the event's waiting room is on. */
export async function holdSeats(eventId: string, request: HoldRequest, key: string, admissionToken?: string): Promise<HoldOutcome> {
  try {
    const { data, error, response } = await api.bookings.POST('/bookings', {
      params: { header: { 'idempotency-key': key } },
      body: { eventId, ...request, ...(admissionToken ? { admissionToken } : {}) },
    });
    if (data) return { booking: data };
    const problem = problemOf(error, response);
    return { problem, takenSeatIds: takenSeats(problem) };
  } catch {
    return { problem: problemOf(undefined), takenSeatIds: [] };
  }
}
