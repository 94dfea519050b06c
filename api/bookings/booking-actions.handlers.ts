// The pay and cancel handlers: the caller's booking, moved on by its saga's updates (or, once confirmed, a refund saga
// under the event's cancellation policy: customers within its deadline, less its fee; admins always, in full).
import type { z } from '@hono/zod-openapi';
import { principalOf } from '../../common/auth/middleware.ts';
import type { Principal } from '../../common/auth/verify.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { idempotencyRunOf, isIdempotentRepeat } from '../../common/http/idempotency.ts';
import { findBooking } from '../../domain/bookings/bookings.ts';
import { cancellationTerms, checkCustomerMayCancel } from '../../domain/bookings/cancellation-terms.ts';
import { checkTicketsNotTransferred } from '../../domain/bookings/tickets.ts';
import type { BookingRow } from '../../entities/bookings/booking.entity.ts';
import { FREE_GATEWAY, type CancellationInput, type PayRequest } from '../../workflows/booking-types.ts';
import type { BookingActionHandlers } from './booking-actions.routes.ts';
import {
  SagaAnswerPending,
  SagaClosed,
  cancelBooking,
  cancellationEnded,
  findCancellation,
  keyedUpdateId,
  payBooking,
  refusalOf,
  startCancellation,
} from './booking-saga-client.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import { policyForCustomer } from './cancellation-policy.ts';
import { outcomePending, viewOfRow, viewOfWorkflow, type CancelBodySchema } from './schemas.ts';

/** How long the cancel route waits for a refund before it answers 202 and lets the booking show the outcome later. */
const REFUND_WAIT_MS = 10_000;

const actorOf = (p: Principal) => `${p.role === 'admin' ? 'admin' : 'customer'}:${p.userId}`;

/** Bookings whose story has ended: nothing is left to cancel (their money went back with them, or was never taken). */
const ENDED: ReadonlySet<BookingRow['status']> = new Set(['EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED']);

function notCancellable(booking: BookingRow): DomainError {
  const done = booking.status === 'REFUNDED' ? 'has been refunded' : `is ${booking.status}`;
  return new DomainError('conflict', 'BOOKING_NOT_CANCELLABLE', `This booking ${done}; there is nothing left to cancel.`);
}

/** What the cancellation refunds: admins all that is left; customers the price less the fee and earlier refunds. */
/**
 * What a cancellation keeps of the payment: the policy's fee for a customer (refused when the policy says no), nothing
 * for an admin. The payments service refunds all that is left above it when it refunds, so a refund made meanwhile
 * cannot make the booking keep more than its fee.
 */
async function feeKeptBy(deps: Pick<BookingsRouteDeps, 'config'>, booking: BookingRow, principal: Principal): Promise<number> {
  if (principal.role === 'admin') return 0;
  const { startsAt, policy } = await policyForCustomer(deps.config.services.events.urls, booking.eventId);
  const terms = cancellationTerms(policy, startsAt, booking);
  checkCustomerMayCancel(terms, startsAt);
  return terms.feeMinor;
}

/** The booking's status in words, for a request its saga can no longer take. */
function notPayable(booking: BookingRow): DomainError {
  return new DomainError('conflict', 'BOOKING_NOT_HELD', `The booking is ${booking.status}; only a HELD booking can be paid.`);
}

export function bookingActionHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'client' | 'config'>): BookingActionHandlers {
  const em = () => deps.orm.em.fork();
  const deadlineOf = () => Date.now() + deps.config.bookings.sagaAnswerMs;
  return {
    pay: async (c) => {
      const deadline = deadlineOf();
      const principal = principalOf(c);
      // An admin, too, pays only a booking of their own.
      const owner = { ...principal, role: 'user' as const };
      const booking = await findBooking(em(), c.req.valid('param').id, owner);
      const body = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      // The free gateway charges nothing: no card reference goes into the saga's history.
      const method = body.gateway === FREE_GATEWAY || body.paymentMethod === undefined ? {} : { paymentMethod: body.paymentMethod };
      const request: PayRequest = { customerId: principal.userId, gateway: body.gateway, ...method };
      try {
        // A keyed pay is one update to the saga however often it is sent: a repeat gets the first one's outcome.
        const answer = await payBooking(deps.client, booking.workflowId, request, {
          deadline,
          updateId: keyedUpdateId('pay', principal.userId, key, idempotencyRunOf(c)),
        });
        if (!answer.ok) throw refusalOf(answer);
        return c.json(viewOfWorkflow(answer.booking), 200);
      } catch (err) {
        if (err instanceof SagaAnswerPending) {
          const pending = outcomePending(c, booking.id, `../${booking.id}`, key !== undefined);
          return c.json(pending.body, 503, pending.headers);
        }
        if (!(err instanceof SagaClosed)) throw err;
        // The saga has ended without knowing this update, so there is no outcome to ask it for. For a repeat, a
        // confirmed booking is the success its first run asked for; anything else is told the booking's status.
        const now = await findBooking(em(), booking.id, owner);
        if (key !== undefined && isIdempotentRepeat(c) && now.status === 'CONFIRMED') return c.json(viewOfRow(now), 200);
        throw notPayable(now);
      }
    },
    cancel: async (c) => {
      const deadline = deadlineOf();
      const principal = principalOf(c);
      const booking = await findBooking(em(), c.req.valid('param').id, principal);
      // The body is optional: only a JSON one is read, and only as the route's schema let it through (a body of
      // another type is not validated, so it is not read either).
      const body = (c.req.valid('json') as z.infer<typeof CancelBodySchema> | undefined) ?? {};
      const reason = body.reason || (principal.role === 'admin' ? 'cancelled by an admin' : 'cancelled by the customer');
      const key = c.req.valid('header')['idempotency-key'];
      const repeat = key !== undefined && isIdempotentRepeat(c);
      const request = { actor: actorOf(principal), reason };
      const call = { deadline, updateId: keyedUpdateId('cancel', principal.userId, key, idempotencyRunOf(c)) };
      /** Waits for a cancellation of the confirmed booking (bounded), then answers from the record as it stands. */
      const refundAnswer = async (handle: Parameters<typeof cancellationEnded>[1]) => {
        const finished = await cancellationEnded(deps.client, handle, Math.min(deadline, Date.now() + REFUND_WAIT_MS));
        const after = await findBooking(em(), booking.id, principal);
        return c.json(viewOfRow(after), finished ? 200 : 202);
      };
      /** Before payment the saga cancels; a keyed cancel it has answered gets that answer again, even once it ended. */
      const beforePayment = async () => {
        if (!ENDED.has(booking.status) || key !== undefined) {
          try {
            return c.json(viewOfWorkflow(await cancelBooking(deps.client, booking.workflowId, request, call)), 200);
          } catch (err) {
            // Ended: the saga no longer knows this update (or, still closing, refuses it). Otherwise its refusal stands.
            if (!(err instanceof SagaClosed) && !(ENDED.has(booking.status) && err instanceof DomainError)) throw err;
          }
        }
        // A repeat answers what its first run did: a cancellation of the booking once confirmed, or the saga's own
        // cancel before payment, whose answer was lost with that run.
        const now = await findBooking(em(), booking.id, principal);
        if (repeat && (now.status === 'REFUNDED' || now.status === 'CANCELLED')) {
          const cancellation = await findCancellation(deps.client, booking.id, call);
          if (cancellation) return refundAnswer(cancellation);
          if (now.status === 'CANCELLED') return c.json(viewOfRow(now), 200);
        }
        throw notCancellable(now);
      };
      /** Once confirmed, a cancellation refunds; a repeat attaches to the one its first run started, whatever the policy now says. */
      const afterPayment = async () => {
        const started = repeat ? await findCancellation(deps.client, booking.id, call) : undefined;
        if (started) return refundAnswer(started);
        const input: CancellationInput = {
          bookingId: booking.id,
          customerId: booking.customerId,
          eventId: booking.eventId,
          paymentId: booking.paymentId ?? null,
          actor: actorOf(principal),
          reason,
        };
        // A customer who has sent a ticket to someone else may not take it back this way; an admin still cancels.
        if (principal.role !== 'admin') await checkTicketsNotTransferred(em(), booking);
        const keepMinor = await feeKeptBy(deps, booking, principal);
        if (keepMinor > 0) input.keepMinor = keepMinor;
        // The refund is usually a moment; a slow gateway gets a 202 and the booking shows the outcome later.
        return refundAnswer(await startCancellation(deps.client, input, call));
      };
      try {
        return await (booking.status === 'CONFIRMED' ? afterPayment() : beforePayment());
      } catch (err) {
        if (!(err instanceof SagaAnswerPending)) throw err;
        const pending = outcomePending(c, booking.id, `../${booking.id}`, key !== undefined);
        return c.json(pending.body, 503, pending.headers);
      }
    },
  };
}
