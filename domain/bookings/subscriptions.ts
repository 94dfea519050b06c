// The bookings service's projections: an event catalog (so booking lists need no call to the events service) and
// each booking's payment status.
import type { Subscription } from '../../common/messaging/consumer.ts';
import type { Envelope } from '../../contracts/envelope.ts';
import { eventCancelledV1, eventPublishedV1, eventUpdatedV1 } from '../../contracts/events.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';

type EventFacts = { eventId: string; title: string; venueName: string; startsAt: string; status: string };
type PaymentFacts = { bookingId: string; status?: string };

export function bookingsSubscriptions(): Subscription[] {
  return [
    {
      purpose: 'event-catalog',
      contracts: [eventPublishedV1, eventUpdatedV1, eventCancelledV1],
      async handle(em, envelope) {
        const e = (envelope as Envelope<EventFacts>).data;
        // Facts may arrive out of order: only a newer one replaces what is known.
        await em.execute(
          `insert into event_catalog (event_id, title, venue_name, starts_at, status, occurred_at) values (?, ?, ?, ?, ?, ?)
           on conflict (event_id) do update set title = excluded.title, venue_name = excluded.venue_name, starts_at = excluded.starts_at,
             status = excluded.status, occurred_at = excluded.occurred_at
           where event_catalog.occurred_at <= excluded.occurred_at`,
          [e.eventId, e.title, e.venueName, new Date(e.startsAt), e.status, new Date(envelope.occurredAt)],
        );
      },
    },
    {
      purpose: 'payment-status',
      contracts: [paymentCapturedV1, paymentRefundedV1],
      async handle(em, envelope, contract) {
        const p = (envelope as Envelope<PaymentFacts>).data;
        const status = contract === paymentCapturedV1 ? 'CAPTURED' : p.status!;
        // A refund outranks the capture it follows, whatever order they arrive in.
        await em.execute(
          `update booking set payment_status = ? where id = ? and (payment_status is null or payment_status = 'CAPTURED' or ? = 'REFUNDED')`,
          [status, p.bookingId, status],
        );
      },
    },
  ];
}
