// The pay and cancel handlers: the caller's booking, moved on by its saga's updates (or, once confirmed, a refund saga).
import type { z } from '@hono/zod-openapi';
import { principalOf } from '../../common/auth/middleware.ts';
import type { Principal } from '../../common/auth/verify.ts';
import { findBooking } from '../../domain/bookings/bookings.ts';
import type { CancellationInput, PayRequest } from '../../workflows/booking-types.ts';
import type { BookingActionHandlers } from './booking-actions.routes.ts';
import { cancelBooking, payBooking, refusalOf, startCancellation } from './booking-saga-client.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import { viewOfRow, viewOfWorkflow, type CancelBodySchema } from './schemas.ts';

/** How long the cancel route waits for a refund before it answers 202 and lets the booking show the outcome later. */
const REFUND_WAIT_MS = 10_000;

const actorOf = (p: Principal) => `${p.role === 'admin' ? 'admin' : 'customer'}:${p.userId}`;

export function bookingActionHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'client'>): BookingActionHandlers {
  const em = () => deps.orm.em.fork();
  return {
    pay: async (c) => {
      const principal = principalOf(c);
      // An admin, too, pays only a booking of their own.
      const booking = await findBooking(em(), c.req.valid('param').id, { ...principal, role: 'user' });
      const body = c.req.valid('json');
      const request: PayRequest = { customerId: principal.userId, gateway: body.gateway, paymentMethod: body.paymentMethod };
      const answer = await payBooking(deps.client, booking.workflowId, request);
      if (!answer.ok) throw refusalOf(answer);
      return c.json(viewOfWorkflow(answer.booking), 200);
    },
    cancel: async (c) => {
      const principal = principalOf(c);
      const booking = await findBooking(em(), c.req.valid('param').id, principal);
      const body = (await c.req.json().catch(() => ({}))) as z.infer<typeof CancelBodySchema>;
      const reason = body.reason || (principal.role === 'admin' ? 'cancelled by an admin' : 'cancelled by the customer');
      if (booking.status !== 'CONFIRMED') {
        const view = await cancelBooking(deps.client, booking.workflowId, { actor: actorOf(principal), reason });
        return c.json(viewOfWorkflow(view), 200);
      }
      const input: CancellationInput = {
        bookingId: booking.id,
        customerId: booking.customerId,
        eventId: booking.eventId,
        paymentId: booking.paymentId!,
        actor: actorOf(principal),
        reason,
      };
      const handle = await startCancellation(deps.client, input);
      // The refund is usually a moment; a slow gateway gets a 202 and the booking shows the outcome later.
      const finished = await Promise.race([
        handle.result().then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), REFUND_WAIT_MS).unref()),
      ]);
      const after = await findBooking(em(), booking.id, principal);
      return c.json(viewOfRow(after), finished ? 200 : 202);
    },
  };
}
