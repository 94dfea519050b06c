// The hold route's handler: a cheap availability read, then the saga started with its hold update in one call.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { principalOf } from '../../common/auth/middleware.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { bookingIdFor } from '../../domain/bookings/bookings.ts';
import { Booking } from '../../entities/bookings/booking.entity.ts';
import type { BookingInput, SeatSelection } from '../../workflows/booking-types.ts';
import { precheckAvailability } from './availability-precheck.ts';
import { holdWithStart, refusalOf } from './booking-saga-client.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { HoldHandler } from './holds.routes.ts';
import { viewOfRow, viewOfWorkflow } from './schemas.ts';

type HoldContext = Parameters<HoldHandler>[0];

export function holdHandler(deps: BookingsRouteDeps): HoldHandler {
  return async (c) => {
    const timer = deps.metrics.holdDuration.startTimer();
    try {
      return await hold(deps, c);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'conflict') deps.metrics.holdsRefused.inc({ reason: err.code });
      throw err;
    } finally {
      timer();
    }
  };
}

async function hold(deps: BookingsRouteDeps, c: HoldContext) {
  const principal = principalOf(c);
  const body = c.req.valid('json');
  const selection: SeatSelection = body.seats
    ? { seatIds: [...new Set(body.seats)] }
    : { sectionId: body.section!, quantity: body.quantity! };
  const bookingId = bookingIdFor(principal.userId, c.req.valid('header')['idempotency-key']);
  const known = await deps.orm.em.fork().findOne(Booking, { id: bookingId, customerId: principal.userId });
  if (!known) await precheckAvailability(deps.config.services.events.urls, body.eventId, selection);

  const input: BookingInput = {
    bookingId,
    customerId: principal.userId,
    eventId: body.eventId,
    selection,
    holdTtlMs: deps.config.bookings.holdTtlSeconds * 1000,
    requestedAt: new Date().toISOString(),
  };
  let answer;
  try {
    answer = await holdWithStart(deps.client, input);
  } catch (err) {
    // The saga of this key has finished: the request is answered from the booking record.
    if (err instanceof WorkflowExecutionAlreadyStartedError && known) return c.json(viewOfRow(known), 200);
    // The saga of this key ended before its booking could be written: this key can hold nothing now.
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new DomainError(
        'conflict',
        'BOOKING_KEY_SPENT',
        'A booking started with this Idempotency-Key ended before it held any seats; send a new key to try again.',
      );
    }
    throw err;
  }
  if (!answer.ok) {
    throw refusalOf(answer, { errors: answer.seatIds.map((id) => ({ field: `seats.${id}`, message: 'is already taken' })) });
  }
  return c.json(viewOfWorkflow(answer.booking), 201);
}
