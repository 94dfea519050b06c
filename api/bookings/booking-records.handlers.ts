// The booking record routes' handlers: read from the bookings service's own records and its event catalog.
import { principalOf } from '../../common/auth/middleware.ts';
import { bookingHistory, catalogOf, findBooking, listBookings } from '../../domain/bookings/bookings.ts';
import { cancellationTerms, type CancellationTerms } from '../../domain/bookings/cancellation-terms.ts';
import type { BookingRow } from '../../entities/bookings/booking.entity.ts';
import type { BookingRecordHandlers } from './booking-records.routes.ts';
import type { BookingsRouteDeps } from './bookings.deps.ts';
import { readEventPolicy } from './cancellation-policy.ts';
import { viewOfRow } from './schemas.ts';

export function bookingRecordHandlers(deps: Pick<BookingsRouteDeps, 'orm' | 'config'>): BookingRecordHandlers {
  const em = () => deps.orm.em.fork();
  const { uiUrl, namespace } = deps.config.temporal;
  const workflowUrl = (workflowId: string) =>
    `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  /** A confirmed booking's cancellation terms now; null for any other booking or when the events service cannot say. */
  const termsOf = async (booking: BookingRow): Promise<CancellationTerms | null> => {
    if (booking.status !== 'CONFIRMED') return null;
    const read = await readEventPolicy(deps.config.services.events.urls, booking.eventId);
    return read && cancellationTerms(read.policy, read.startsAt, booking);
  };
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
          cancellation: await termsOf(booking),
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
