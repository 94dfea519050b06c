// What must hold once a fault is over, read from the platform's own databases, Temporal and RabbitMQ: the sagas
// settled, the invariants (domain/invariants.ts), nothing stuck in an outbox, every fact in every subscriber's inbox
// once, what the dead-letter queues hold, and that no client was told HELD or CONFIRMED for a booking that ended
// otherwise without a later notification saying so. `npm run chaos` and the CI subset both check through here.
import { SERVICE_NAMES, type ServiceName } from '../../common/config.ts';
import type { Orm } from '../../common/db/orm.ts';
import { listDeadLetters } from '../../common/messaging/dead-letters.ts';
import { queueName } from '../../common/messaging/queues.ts';
import { checkInvariants, checkPropagation, type Subscriber, type Violation } from '../../domain/invariants.ts';
import { customerSubscription, eventCatalogSubscription, paymentStatusSubscription } from '../../domain/bookings/subscriptions.ts';
import { salesSubscription } from '../../domain/events/subscriptions.ts';
import { notificationsSubscription } from '../../domain/users/subscriptions.ts';
import type { Subscription } from '../../common/messaging/consumer.ts';
import type { BookingRecord } from './load.ts';
import type { Platform } from './processes.ts';

const TERMINAL = ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED'];
/** A fact waiting in an outbox longer than this once the dependencies are back is stuck. */
export const OUTBOX_AGE_BOUND_MS = 30_000;
/** How long after the outboxes drained every fact must be in every subscriber's inbox. */
const PROPAGATION_BOUND_MS = 60_000;

function propagation(platform: Platform, scope: { eventIds: string[]; since: Date }): Promise<Violation[]> {
  return checkPropagation(
    SERVICE_NAMES.map((s) => platform.orms[s]),
    subscribers(platform.orms),
    {
      eventIds: scope.eventIds,
      since: scope.since,
      bookings: platform.orms.bookings,
      events: platform.orms.events,
      users: platform.orms.users,
    },
  );
}

/** Asks again until nothing is found or the bound passes; what the last look found. */
async function eventually(check: () => Promise<Violation[]>, boundMs: number): Promise<Violation[]> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const found = await check();
    if (found.length === 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every queue the services consume from, with the facts each is bound to (the services' own subscription lists). */
export function subscriptions(): { service: ServiceName; purpose: string; subscription: Omit<Subscription, 'purpose'> }[] {
  return [
    { service: 'bookings', purpose: 'event-catalog', subscription: eventCatalogSubscription() },
    { service: 'bookings', purpose: 'payment-status', subscription: paymentStatusSubscription() },
    { service: 'bookings', purpose: 'customers', subscription: customerSubscription() },
    { service: 'events', purpose: 'sales', subscription: salesSubscription() },
    // The mailer is only used when a fact is applied, never when the list is made.
    {
      service: 'users',
      purpose: 'notifications',
      subscription: notificationsSubscription({ mailer: undefined as never, ticketsPdf: undefined as never }),
    },
  ];
}

export function subscribers(orms: Record<ServiceName, Orm>): Subscriber[] {
  return subscriptions().map(({ service, purpose, subscription }) => ({
    consumer: `${service}.${purpose}`,
    inbox: orms[service],
    routingKeys: subscription.handlers.map((h) => h.contract.routingKey),
  }));
}

/** The queues bound to a routing key (a message published with it lands in each). */
export function queuesFor(exchange: string, routingKey: string): string[] {
  return subscriptions()
    .filter(({ subscription }) => subscription.handlers.some((h) => h.contract.routingKey === routingKey))
    .map(({ service, purpose }) => queueName(exchange, service, purpose));
}

/** A dead-letter queue's depth and what waits there, read with the operators' own listing (nothing is moved). */
export interface DeadLetters {
  depth: number;
  messages: { messageId: string | undefined; type: string | undefined; routingKey: string | undefined; reason: string | undefined }[];
}

export async function deadLetters(platform: Platform): Promise<Record<string, DeadLetters>> {
  const queues = subscriptions().map(({ service, purpose }) => queueName(platform.config.rabbitmq.exchange, service, purpose));
  const listed = await listDeadLetters(await platform.broker(), queues, { peek: 20 });
  return Object.fromEntries(
    listed.map((q) => [
      q.deadLetterQueue,
      {
        depth: q.depth,
        messages: q.messages.map(({ messageId, type, routingKey, reason }) => ({ messageId, type, routingKey, reason })),
      },
    ]),
  );
}

async function count(orm: Orm, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await orm.em.fork().execute<{ n: string }[]>(sql, params))[0]!.n);
}

export interface Settled {
  settled: boolean;
  /** Milliseconds from the call until everything had settled (or until it gave up). */
  tookMs: number;
  openBookings: number;
  runningWorkflows: number;
  unsentFacts: number;
}

/**
 * Waits until every booking of the events is in a terminal state, no workflow of the run is running and every
 * outbox is empty, or `timeoutMs` passes.
 */
export async function settle(platform: Platform, eventIds: string[], timeoutMs: number): Promise<Settled> {
  const started = Date.now();
  let state = { openBookings: -1, runningWorkflows: -1, unsentFacts: -1 };
  for (;;) {
    try {
      state = {
        openBookings: await count(platform.orms.bookings, 'select count(*) as n from booking where event_id in (?) and status not in (?)', [
          eventIds,
          TERMINAL,
        ]),
        runningWorkflows: (await platform.temporal.client.workflow.count('ExecutionStatus="Running"')).count,
        unsentFacts: (
          await Promise.all(
            SERVICE_NAMES.map((s) => count(platform.orms[s], 'select count(*) as n from outbox_message where sent_at is null')),
          )
        ).reduce((a, b) => a + b, 0),
      };
      if (state.openBookings === 0 && state.runningWorkflows === 0 && state.unsentFacts === 0) {
        return { settled: true, tookMs: Date.now() - started, ...state };
      }
    } catch {
      // a dependency is still coming back
    }
    if (Date.now() - started > timeoutMs) return { settled: false, tookMs: Date.now() - started, ...state };
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** "Told X, ended Y": a client's last answer said HELD or CONFIRMED, the booking ended otherwise. */
export interface ToldMismatch {
  bookingId: string;
  plan: string;
  told: string;
  ended: string;
  /** The customer has a notification about the booking written after that answer. */
  notified: boolean;
}

export interface ClientOutcomes {
  /** Told HELD or CONFIRMED, ended otherwise, and nothing later tells them: violations of "client told". */
  untold: ToldMismatch[];
  /** Told HELD or CONFIRMED, ended otherwise, with a later notification (an expired hold, say): reported, not a violation. */
  notified: ToldMismatch[];
  /** The client never learnt its booking (every hold answer was an error) but a booking of theirs exists. */
  unknownBookings: { customerId: string; bookingId: string; ended: string }[];
}

export async function clientOutcomes(platform: Platform, eventId: string, records: BookingRecord[]): Promise<ClientOutcomes> {
  const bookings = await platform.orms.bookings.em
    .fork()
    .execute<{ id: string; customer_id: string; status: string }[]>('select id, customer_id, status from booking where event_id = ?', [
      eventId,
    ]);
  const outcome: ClientOutcomes = { untold: [], notified: [], unknownBookings: [] };
  for (const record of records) {
    if (!record.bookingId) {
      for (const b of bookings.filter((b) => b.customer_id === record.customerId)) {
        outcome.unknownBookings.push({ customerId: record.customerId, bookingId: b.id, ended: b.status });
      }
      continue;
    }
    const ended = bookings.find((b) => b.id === record.bookingId)?.status ?? 'MISSING';
    if (!record.told || !['HELD', 'CONFIRMED'].includes(record.told) || record.told === ended) continue;
    // A hold let lapse on purpose ends EXPIRED: that is the plan, not news to the customer.
    if (record.plan === 'let-expire' && ended === 'EXPIRED') continue;
    const notified =
      (await count(
        platform.orms.users,
        `select count(*) as n from user_notification where user_id = ? and data->>'bookingId' = ? and created_at >= ?`,
        [record.customerId, record.bookingId, new Date(record.toldAt! - 1_000)],
      )) > 0;
    const mismatch = { bookingId: record.bookingId, plan: record.plan, told: record.told, ended, notified };
    (notified ? outcome.notified : outcome.untold).push(mismatch);
  }
  return outcome;
}

export interface Verdict {
  settled: Settled;
  violations: Violation[];
  /** Facts of the scenario that waited in an outbox longer than the bound once the fault was over. */
  staleOutbox: { service: ServiceName; id: string; routingKey: string; ageMs: number }[];
  deadLetters: Record<string, DeadLetters>;
  clients: ClientOutcomes;
}

/** Everything checked after a scenario: settles, then reads the invariants and the clients' view. */
export async function verdict(
  platform: Platform,
  scope: { eventIds: string[]; since: Date; recoveredAt: Date; records: BookingRecord[]; settleTimeoutMs: number },
): Promise<Verdict> {
  const settled = await settle(platform, scope.eventIds, scope.settleTimeoutMs);
  const violations = await checkInvariants(platform.orms, { eventIds: scope.eventIds, terminal: true });
  // A fact sent is not yet consumed: the inboxes are given a bounded while to catch up.
  violations.push(...(await eventually(() => propagation(platform, scope), PROPAGATION_BOUND_MS)));
  if (!settled.settled) {
    violations.push({
      invariant: 'I-terminal',
      detail: `not settled after ${Math.round(settled.tookMs / 1000)} s: ${settled.openBookings} bookings open, ${settled.runningWorkflows} workflows running, ${settled.unsentFacts} facts unsent`,
    });
  }
  const staleOutbox: Verdict['staleOutbox'] = [];
  for (const service of SERVICE_NAMES) {
    // How long each fact of the scenario waited in the outbox once the fault was over (still waiting: until now).
    const rows = await platform.orms[service].em.fork().execute<{ id: string; routing_key: string; waited_ms: number }[]>(
      `select id, routing_key, extract(epoch from coalesce(sent_at, now()) - greatest(created_at, ?)) * 1000 as waited_ms
           from outbox_message where created_at >= ?`,
      [scope.recoveredAt, scope.since],
    );
    staleOutbox.push(
      ...rows
        .filter((r) => Number(r.waited_ms) > OUTBOX_AGE_BOUND_MS)
        .map((r) => ({ service, id: r.id, routingKey: r.routing_key, ageMs: Math.round(Number(r.waited_ms)) })),
    );
  }
  const clients = await Promise.all(scope.eventIds.map((id) => clientOutcomes(platform, id, scope.records)));
  return {
    settled,
    violations,
    staleOutbox,
    deadLetters: await deadLetters(platform),
    clients: {
      untold: clients.flatMap((c) => c.untold),
      notified: clients.flatMap((c) => c.notified),
      unknownBookings: clients.flatMap((c) => c.unknownBookings),
    },
  };
}
