// The booking record routes' handlers: read from the bookings service's own records and its event catalog.
import { principalOf } from '../../common/auth/middleware.ts';
import { bookingHistory, catalogOf, findBooking, listBookings } from '../../domain/bookings/bookings.ts';
import type { BookingRecordHandlers } from './booking-records.routes.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import { viewOfRow } from './schemas.ts';

export function bookingRecordHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'config'>): BookingRecordHandlers {
  const em = () => deps.orm.em.fork();
  const { uiUrl, namespace } = deps.config.temporal;
  const workflowUrl = (workflowId: string) =>
    `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return {
    listBookings: async (c) => {
      const page = await listBookings(em(), c.req.valid('query'), principalOf(c));
      const catalog = await catalogOf(
        em(),
        page.items.map((b) => b.eventId),
      );
      return c.json({ ...page, items: page.items.map((b) => viewOfRow(b, catalog.get(b.eventId) ?? null)) }, 200);
    },
    booking: async (c) => {
      const booking = await findBooking(em(), c.req.valid('param').id, principalOf(c));
      const history = await bookingHistory(em(), booking.id);
      return c.json(
        {
          ...viewOfRow(booking, (await catalogOf(em(), [booking.eventId])).get(booking.eventId) ?? null),
          refundedMinor: booking.refundedMinor,
          createdAt: booking.createdAt.toISOString(),
          workflowUrl: workflowUrl(booking.workflowId),
          history: history.map((h) => ({
            from: h.fromStatus ?? null,
            to: h.toStatus,
            at: h.at.toISOString(),
            actor: h.actor,
            reason: h.reason,
          })),
        },
        200,
      );
    },
  };
}
