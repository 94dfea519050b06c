// The hold route's handler: a cheap availability read, then the saga started with its hold update in one call, waited
// for at most the saga bound. A hold whose answer never reached the client is replayed by a retry with the same key
// (same booking, same saga); one nobody comes back for lapses at its expiry like any unpaid hold.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { principalOf } from '../../common/auth/middleware.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { idempotencyRunOf, isIdempotentRepeat } from '../../common/http/idempotency.ts';
import { bookingIdFor } from '../../domain/bookings/bookings.ts';
import { Booking } from '../../entities/bookings/booking.entity.ts';
import type { BookingInput, SeatSelection } from '../../workflows/booking-types.ts';
import { precheckAvailability } from './availability-precheck.ts';
import { SagaAnswerPending, holdWithStart, keyedUpdateId, refusalOf } from './booking-saga-client.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import type { HoldHandler } from './holds.routes.ts';
import { outcomePending, viewOfRow, viewOfWorkflow } from './schemas.ts';

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
  const deadline = Date.now() + deps.config.bookings.sagaAnswerMs;
  const principal = principalOf(c);
  const body = c.req.valid('json');
  const selection: SeatSelection = body.seats
    ? { seatIds: [...new Set(body.seats)] }
    : { sectionId: body.section!, quantity: body.quantity! };
  const key = c.req.valid('header')['idempotency-key'];
  const bookingId = bookingIdFor(principal.userId, key);
  const known = await deps.orm.em.fork().findOne(Booking, { id: bookingId, customerId: principal.userId });
  // A repeat skips the cheap read: the seats it would find taken may be the ones its first run's saga holds.
  if (!known && !isIdempotentRepeat(c)) await precheckAvailability(deps.config.services.events.urls, body.eventId, selection);

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
    answer = await holdWithStart(deps.client, input, {
      deadline,
      updateId: keyedUpdateId('hold', principal.userId, key, idempotencyRunOf(c)),
    });
  } catch (err) {
    if (err instanceof SagaAnswerPending) {
      const pending = outcomePending(c, bookingId, `bookings/${bookingId}`, key !== undefined);
      return c.json(pending.body, 503, pending.headers);
    }
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
