// The bookings service's projections: an event catalog (so booking lists need no call to the events service) and
// each booking's payment status.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import type { EnvelopeOf } from '../../contracts/envelope.ts';
import { eventCancelledV1, eventPublishedV1, eventUpdatedV1 } from '../../contracts/events.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';

/** Published, updated and cancelled carry the same event fields; a handler for each shares one projection. */
type EventFact = EnvelopeOf<typeof eventPublishedV1>;
type PaymentStatus = 'CAPTURED' | EnvelopeOf<typeof paymentRefundedV1>['data']['status'];

export function eventCatalogSubscription(): Omit<Subscription, 'purpose'> {
  // One event's facts in delivery order, in one lane: its catalog row is never written by two transactions at once.
  const options = { orderKey: (fact: EventFact) => fact.data.eventId, applyMany: catalogueMany };
  return {
    handlers: [on(eventPublishedV1, catalogue, options), on(eventUpdatedV1, catalogue, options), on(eventCancelledV1, catalogue, options)],
  };
}

export function paymentStatusSubscription(): Omit<Subscription, 'purpose'> {
  const options = { orderKey: (fact: { data: { bookingId: string } }) => fact.data.bookingId };
  return {
    handlers: [
      on(paymentCapturedV1, (em, { data }) => recordPaymentStatus(em, data.bookingId, 'CAPTURED'), options),
      on(paymentRefundedV1, (em, { data }) => recordPaymentStatus(em, data.bookingId, data.status), options),
    ],
  };
}

const CATALOGUE = `insert into event_catalog (event_id, title, venue_name, starts_at, status, occurred_at) values ?
  on conflict (event_id) do update set title = excluded.title, venue_name = excluded.venue_name, starts_at = excluded.starts_at,
    status = excluded.status, occurred_at = excluded.occurred_at
  where event_catalog.occurred_at <= excluded.occurred_at`;

function catalogue(em: EntityManager, fact: EventFact): Promise<void> {
  return catalogueMany(em, [fact]);
}

/** Facts may arrive out of order: only a newer one replaces what is known (of equals, the later delivered). */
async function catalogueMany(em: EntityManager, facts: EventFact[]): Promise<void> {
  // One row per event in a statement (an upsert cannot touch a row twice): the fact that applied in turn would win.
  const newest = new Map<string, EventFact>();
  for (const fact of facts) {
    const known = newest.get(fact.data.eventId);
    if (!known || Date.parse(known.occurredAt) <= Date.parse(fact.occurredAt)) newest.set(fact.data.eventId, fact);
  }
  const rows = [...newest.values()];
  await em.execute(
    CATALOGUE.replace('?', rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')),
    rows.flatMap(({ data: e, occurredAt }) => [e.eventId, e.title, e.venueName, new Date(e.startsAt), e.status, new Date(occurredAt)]),
  );
}

async function recordPaymentStatus(em: EntityManager, bookingId: string, status: PaymentStatus): Promise<void> {
  // A refund outranks the capture it follows, whatever order they arrive in.
  await em.execute(
    `update booking set payment_status = ? where id = ? and (payment_status is null or payment_status = 'CAPTURED' or ? = 'REFUNDED')`,
    [status, bookingId, status],
  );
}
