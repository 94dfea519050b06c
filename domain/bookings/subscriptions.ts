// The bookings service's projections: an event catalog (so booking lists and tickets need no call to the events
// service), each booking's payment status, and its customers (names on tickets, emails to send tickets to).
import type { EntityManager } from '@mikro-orm/postgresql';
import { boundQuery } from '../../common/db/bound.ts';
import type { Subscription } from '../../common/messaging/consumer.ts';
import { on } from '../../common/messaging/fact-handler.ts';
import type { EnvelopeOf } from '../../contracts/envelope.ts';
import { eventCancelledV1, eventPublishedV1, eventUpdatedV1 } from '../../contracts/events.ts';
import { paymentCapturedV1, paymentRefundedV1 } from '../../contracts/payments.ts';
import { userRegisteredV1, userUpdatedV1 } from '../../contracts/users.ts';

/** Published, updated and cancelled carry the same event fields; a handler for each shares one projection. */
type EventFact = EnvelopeOf<typeof eventPublishedV1>;
/** Registered and updated carry the same account fields. */
type UserFact = EnvelopeOf<typeof userRegisteredV1>;
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

// A fact published before the venue's address and time zone were part of it leaves what an earlier fact told. The
// rows travel as one bound array per column: a burst's batch is one statement of nine parameters, however many rows.
const CATALOGUE = `insert into event_catalog (event_id, title, venue_name, venue_address, time_zone, starts_at, ends_at, status, occurred_at)
  select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::timestamptz[])
  on conflict (event_id) do update set title = excluded.title, venue_name = excluded.venue_name,
    venue_address = coalesce(excluded.venue_address, event_catalog.venue_address),
    time_zone = coalesce(excluded.time_zone, event_catalog.time_zone),
    starts_at = excluded.starts_at, ends_at = excluded.ends_at, status = excluded.status, occurred_at = excluded.occurred_at
  where event_catalog.occurred_at <= excluded.occurred_at`;

function catalogue(em: EntityManager, fact: EventFact): Promise<void> {
  return catalogueMany(em, [fact]);
}

/** Facts may arrive out of order: only a newer one replaces what is known (of equals, the later delivered). */
async function catalogueMany(em: EntityManager, facts: EventFact[]): Promise<void> {
  const rows = newestOf(facts, (fact) => fact.data.eventId);
  await boundQuery(em, CATALOGUE, [
    rows.map(({ data }) => data.eventId),
    rows.map(({ data }) => data.title),
    rows.map(({ data }) => data.venueName),
    rows.map(({ data }) => data.venueAddress ?? null),
    rows.map(({ data }) => data.timeZone ?? null),
    rows.map(({ data }) => data.startsAt),
    rows.map(({ data }) => data.endsAt ?? null),
    rows.map(({ data }) => data.status),
    rows.map(({ occurredAt }) => occurredAt),
  ]);
}

/**
 * The newest fact of each key, in a batch: one row per key in a statement (an upsert cannot touch a row twice), and
 * the fact that applied in turn would win (of equals, the later delivered).
 */
function newestOf<F extends { occurredAt: string }>(facts: F[], keyOf: (fact: F) => string): F[] {
  const newest = new Map<string, F>();
  for (const fact of facts) {
    const known = newest.get(keyOf(fact));
    if (!known || Date.parse(known.occurredAt) <= Date.parse(fact.occurredAt)) newest.set(keyOf(fact), fact);
  }
  return [...newest.values()];
}

/** A customer's name and email as the users service last told them; an older fact never replaces a newer one. */
export function customerSubscription(): Omit<Subscription, 'purpose'> {
  const options = { orderKey: (fact: UserFact) => fact.data.userId, applyMany: customersMany };
  return { handlers: [on(userRegisteredV1, customer, options), on(userUpdatedV1, customer, options)] };
}

const CUSTOMERS = `insert into customer (user_id, email, name, role, occurred_at) values ?
  on conflict (user_id) do update set email = excluded.email, name = excluded.name, role = excluded.role,
    occurred_at = excluded.occurred_at
  where customer.occurred_at <= excluded.occurred_at`;

function customer(em: EntityManager, fact: UserFact): Promise<void> {
  return customersMany(em, [fact]);
}

async function customersMany(em: EntityManager, facts: UserFact[]): Promise<void> {
  const rows = newestOf(facts, (fact) => fact.data.userId);
  await em.execute(
    CUSTOMERS.replace('?', rows.map(() => '(?, ?, ?, ?, ?)').join(', ')),
    rows.flatMap(({ data: u, occurredAt }) => [u.userId, u.email, u.name, u.role, new Date(occurredAt)]),
  );
}

export interface EventSummary {
  title: string | null;
  startsAt: string | null;
  endsAt: string | null;
  venueName: string | null;
  venueAddress: string | null;
  timeZone: string | null;
}

const UNKNOWN_EVENT: EventSummary = { title: null, startsAt: null, endsAt: null, venueName: null, venueAddress: null, timeZone: null };

/** What the catalog knows of an event for its tickets (facts, the PDF, the holder's view): nulls until it has heard. */
export async function eventSummaryOf(em: EntityManager, eventId: string): Promise<EventSummary> {
  return (await eventSummariesOf(em, [eventId])).get(eventId) ?? UNKNOWN_EVENT;
}

/** The summaries of several events in one read; an event the catalog has not heard of is missing from the map. */
export async function eventSummariesOf(em: EntityManager, eventIds: string[]): Promise<Map<string, EventSummary>> {
  if (eventIds.length === 0) return new Map();
  const rows = await em.execute<
    {
      event_id: string;
      title: string;
      venue_name: string;
      venue_address: string | null;
      time_zone: string | null;
      starts_at: Date | string;
      ends_at: Date | string | null;
    }[]
  >('select event_id, title, venue_name, venue_address, time_zone, starts_at, ends_at from event_catalog where event_id in (?)', [
    [...new Set(eventIds)],
  ]);
  return new Map(
    rows.map((r) => [
      r.event_id,
      {
        title: r.title,
        startsAt: new Date(r.starts_at).toISOString(),
        endsAt: r.ends_at === null ? null : new Date(r.ends_at).toISOString(),
        venueName: r.venue_name,
        venueAddress: r.venue_address,
        timeZone: r.time_zone,
      },
    ]),
  );
}

/** The summary as facts carry it (contracts/tickets.ts: no end). */
export function factSummary({ endsAt: _endsAt, ...summary }: EventSummary): Omit<EventSummary, 'endsAt'> {
  return summary;
}

async function recordPaymentStatus(em: EntityManager, bookingId: string, status: PaymentStatus): Promise<void> {
  // A refund outranks the capture it follows, whatever order they arrive in.
  await em.execute(
    `update booking set payment_status = ? where id = ? and (payment_status is null or payment_status = 'CAPTURED' or ? = 'REFUNDED')`,
    [status, bookingId, status],
  );
}
