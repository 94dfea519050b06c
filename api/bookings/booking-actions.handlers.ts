// The pay and cancel handlers: the caller's booking, moved on by its saga's updates (or, once confirmed, a refund saga
// under the event's cancellation policy: customers within its deadline, less its fee; admins always, in full).
import type { z } from '@hono/zod-openapi';
import { WorkflowFailedError } from '@temporalio/client';
import { principalOf } from '../../common/auth/middleware.ts';
import type { Principal } from '../../common/auth/verify.ts';
import { DomainError } from '../../common/errors/domain-error.ts';
import { findBooking } from '../../domain/bookings/bookings.ts';
import { cancellationTerms, checkCustomerMayCancel } from '../../domain/bookings/cancellation-terms.ts';
import type { BookingRow } from '../../entities/bookings/booking.entity.ts';
import { FREE_GATEWAY, type CancellationInput, type PayRequest } from '../../workflows/booking-types.ts';
import type { BookingActionHandlers } from './booking-actions.routes.ts';
import { cancelBooking, payBooking, refusalOf, startCancellation } from './booking-saga-client.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import { policyForCustomer } from './cancellation-policy.ts';
import { viewOfRow, viewOfWorkflow, type CancelBodySchema } from './schemas.ts';

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

export function bookingActionHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'client' | 'config'>): BookingActionHandlers {
  const em = () => deps.orm.em.fork();
  return {
    pay: async (c) => {
      const principal = principalOf(c);
      // An admin, too, pays only a booking of their own.
      const booking = await findBooking(em(), c.req.valid('param').id, { ...principal, role: 'user' });
      const body = c.req.valid('json');
      // The free gateway charges nothing: no card reference goes into the saga's history.
      const method = body.gateway === FREE_GATEWAY || body.paymentMethod === undefined ? {} : { paymentMethod: body.paymentMethod };
      const request: PayRequest = { customerId: principal.userId, gateway: body.gateway, ...method };
      const answer = await payBooking(deps.client, booking.workflowId, request);
      if (!answer.ok) throw refusalOf(answer);
      return c.json(viewOfWorkflow(answer.booking), 200);
    },
    cancel: async (c) => {
      const principal = principalOf(c);
      const booking = await findBooking(em(), c.req.valid('param').id, principal);
      // The body is optional: only a JSON one is read, and only as the route's schema let it through (a body of
      // another type is not validated, so it is not read either).
      const body = (c.req.valid('json') as z.infer<typeof CancelBodySchema> | undefined) ?? {};
      const reason = body.reason || (principal.role === 'admin' ? 'cancelled by an admin' : 'cancelled by the customer');
      if (ENDED.has(booking.status)) throw notCancellable(booking);
      if (booking.status !== 'CONFIRMED') {
        const view = await cancelBooking(deps.client, booking.workflowId, { actor: actorOf(principal), reason });
        return c.json(viewOfWorkflow(view), 200);
      }
      const input: CancellationInput = {
        bookingId: booking.id,
        customerId: booking.customerId,
        eventId: booking.eventId,
        paymentId: booking.paymentId ?? null,
        actor: actorOf(principal),
        reason,
      };
      const keepMinor = await feeKeptBy(deps, booking, principal);
      if (keepMinor > 0) input.keepMinor = keepMinor;
      const handle = await startCancellation(deps.client, input);
      // The refund is usually a moment; a slow gateway gets a 202 and the booking shows the outcome later. A
      // cancellation that failed outright (terminated) leaves the booking as its record says.
      const finished = await Promise.race([
        handle.result().then(
          () => true,
          (err: unknown) => {
            if (err instanceof WorkflowFailedError) return true;
            throw err;
          },
        ),
        new Promise<false>((r) => setTimeout(() => r(false), REFUND_WAIT_MS).unref()),
      ]);
      const after = await findBooking(em(), booking.id, principal);
      return c.json(viewOfRow(after), finished ? 200 : 202);
    },
  };
}
