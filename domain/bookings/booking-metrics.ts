// The bookings service's own figures: how sagas end, how long a hold takes to answer, why holds are refused, and the
// bookings whose saga stopped making progress or ended needing an operator (stuck work, read from the booking table).
import client from 'prom-client';
import type { Orm } from '../../common/db/orm.ts';
import type { ReadinessCheck } from '../../common/http/readiness.ts';
import { afterCursor, decodeCursor, encodeCursor } from '../../common/http/pagination.ts';
import type { BookingStatus } from '../../entities/bookings/booking.entity.ts';

export type BookingMetrics = ReturnType<typeof createBookingMetrics>;

export function createBookingMetrics(registry: client.Registry) {
  const registers = [registry];
  return {
    bookingOutcomes: new client.Counter({
      name: 'eventix_booking_outcomes_total',
      help: 'Booking sagas ended, by final status',
      labelNames: ['status'],
      registers,
    }),
    holdDuration: new client.Histogram({
      name: 'eventix_hold_duration_seconds',
      help: 'POST /bookings: from the request to the hold answer (HELD or refused)',
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    holdsRefused: new client.Counter({
      name: 'eventix_holds_refused_total',
      help: 'Holds refused, by reason',
      labelNames: ['reason'],
      registers,
    }),
    // The waiting room (domain/bookings/queue.ts), set and counted by the admitter's steps.
    queueLength: queueLengthGauge(registers),
    queueAdmitted: new client.Counter({
      name: 'eventix_queue_admitted_total',
      help: 'Customers admitted from a waiting room',
      registers,
    }),
    queueAdmissionsUnused: new client.Counter({
      name: 'eventix_queue_admissions_unused_total',
      help: 'Admissions that expired unused (their place went to the next customer)',
      registers,
    }),
    // The waiting list after a sell-out (domain/bookings/waiting-list-offers.ts), counted by its passes; its length is
    // read from the table (domain/bookings/waiting-list-metrics.ts).
    waitingListOffers: new client.Counter({
      name: 'eventix_waiting_list_offers_total',
      help: 'Waiting-list offers settled, by outcome: accepted (paid) or lapsed (expired or cancelled unpaid)',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/**
 * How long a process shows an event's queue length after its last step there. The admitter steps every second, and its
 * steps may run on any bookings worker: a worker that ran none of the last ones drops the event rather than keep an
 * old figure beside the current one (the dashboard takes the max over the workers).
 */
export const QUEUE_LENGTH_FRESH_MS = 30_000;

export interface QueueLengthGauge {
  /** The event's waiting room at the admitter's step now. */
  set(labels: { event: string }, waiting: number): void;
  /** The event's admitter ended (sold out, sale over, waiting room off): the event leaves the gauge. */
  remove(labels: { event: string }): void;
}

/** eventix_queue_length{event}: set by the admitter's steps, removed when it ends or when no step came for a while. */
function queueLengthGauge(registers: client.Registry[], now: () => number = Date.now): QueueLengthGauge {
  const setAt = new Map<string, number>();
  const gauge = new client.Gauge({
    name: 'eventix_queue_length',
    help: 'Customers waiting in an event’s waiting room (pre-queue included), as of the admitter’s last step',
    labelNames: ['event'],
    registers,
    collect() {
      for (const [event, at] of setAt) {
        if (now() - at < QUEUE_LENGTH_FRESH_MS) continue;
        setAt.delete(event);
        this.remove({ event });
      }
    },
  });
  return {
    set(labels, waiting) {
      setAt.set(labels.event, now());
      gauge.set(labels, waiting);
    },
    remove(labels) {
      setAt.delete(labels.event);
      gauge.remove(labels);
    },
  };
}

/** Failure codes a saga ends with when money or seats need an operator (a compensation or a refund gave up). */
export const NEEDS_AN_OPERATOR = ['COMPENSATION_FAILED', 'REFUND_FAILED'] as const;
export type NeedsAnOperator = (typeof NEEDS_AN_OPERATOR)[number];

/**
 * How long past its hold's expiry (before a hold: past its last transition) a booking may stay open. Longer than any
 * step but a compensation takes to give up, so a booking still open then is one whose saga is stuck.
 */
export const STUCK_AFTER_MS = 5 * 60_000;

/**
 * Why a booking needs attention: `stalled`, open past the bound (its saga is retrying or its row fell behind);
 * `needs_operator`, ended with a failure code that needs one; `refunded_while_confirmed`, CONFIRMED while its payment
 * is refunded in full (a cancellation whose outcome could not be written, or a refund made outside the saga).
 */
export const ATTENTION_REASONS = ['stalled', 'needs_operator', 'refunded_while_confirmed'] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

const OPEN = `('PENDING', 'HELD', 'PAYING')`;
const OPERATOR = `(${NEEDS_AN_OPERATOR.map((c) => `'${c}'`).join(', ')})`;
/** Only rows that may need attention are looked at further (open ones are few; ended ones match a code or a status). */
const CANDIDATES = `b.status in ${OPEN} or b.failure_code in ${OPERATOR} or (b.status = 'CONFIRMED' and b.payment_status = 'REFUNDED')`;
/** The reason a candidate row needs attention, or null; `?` is the bound's cutoff instant, twice. */
const REASON = `case
    when b.status in ${OPEN} and coalesce(b.expires_at, b.updated_at) < ? then 'stalled'
    when b.failure_code in ${OPERATOR} then 'needs_operator'
    when b.status = 'CONFIRMED' and (select max(h.at) from booking_history h where h.booking_id = b.id) < ? then 'refunded_while_confirmed'
  end`;

export type AttentionCounts = Record<AttentionReason, number>;

export async function attentionCounts(orm: Orm, now = new Date()): Promise<AttentionCounts> {
  const cutoff = new Date(now.getTime() - STUCK_AFTER_MS);
  const rows = await orm.em.fork().execute<{ reason: AttentionReason; n: number }[]>(
    `select reason, count(*)::int as n from (select ${REASON} as reason from booking b where ${CANDIDATES}) r
     where reason is not null group by reason`,
    [cutoff, cutoff],
  );
  const counts: AttentionCounts = { stalled: 0, needs_operator: 0, refunded_while_confirmed: 0 };
  for (const row of rows) counts[row.reason] = row.n;
  return counts;
}

export interface AttentionRow {
  id: string;
  customerId: string;
  eventId: string;
  status: BookingStatus;
  failureCode: string | null;
  reason: AttentionReason;
  /** When the row last moved (to the millisecond, the list's order). */
  since: Date;
  workflowId: string;
  /** The workflow that wrote the row last: the booking saga, or a cancellation of a confirmed booking. */
  lastSource: 'booking' | 'cancellation' | null;
}

type RawAttentionRow = {
  id: string;
  customer_id: string;
  event_id: string;
  status: BookingStatus;
  failure_code: string | null;
  reason: AttentionReason;
  since: Date;
  workflow_id: string;
  last_source: 'booking' | 'cancellation' | null;
};

/** The bookings that need attention, longest waiting first, one page at a time. */
export async function bookingsNeedingAttention(orm: Orm, query: { limit: number; cursor?: string }, now = new Date()) {
  const cutoff = new Date(now.getTime() - STUCK_AFTER_MS);
  const after = positionAfter(query.cursor);
  const rows = await orm.em.fork().execute<RawAttentionRow[]>(
    `select * from (
       select b.id, b.customer_id, b.event_id, b.status, b.failure_code, b.workflow_id, ${REASON} as reason,
         date_trunc('milliseconds', b.updated_at) as since,
         (select h.source from booking_history h where h.booking_id = b.id order by h.at desc, h.seq desc limit 1) as last_source
       from booking b where ${CANDIDATES}
     ) r
     where reason is not null ${after ? 'and (since, id) > (?, ?)' : ''}
     order by since, id limit ?`,
    [cutoff, cutoff, ...(after ? [after.at, after.id] : []), query.limit + 1],
  );
  const items = rows.slice(0, query.limit).map(attentionRowOf);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.since.toISOString(), last.id]) : null };
}

function attentionRowOf(r: RawAttentionRow): AttentionRow {
  return {
    id: r.id,
    customerId: r.customer_id,
    eventId: r.event_id,
    status: r.status,
    failureCode: r.failure_code,
    reason: r.reason,
    since: new Date(r.since),
    workflowId: r.workflow_id,
    lastSource: r.last_source,
  };
}

function positionAfter(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined;
  // Refuses anything but a cursor this list gave out, as every list does; then reads its position.
  afterCursor(cursor, 'since', 'asc');
  const [at, id] = decodeCursor(cursor, 2) as [string, string];
  return { at: new Date(at), id };
}

const STUCK_GAUGE = 'eventix_sagas_stuck';
/** Below every readiness probe's deadline: a slow count is reported as a warning, not as the service being down. */
const COUNT_WAIT_MS = 1_000;

/**
 * The stuck-saga gauge (bookings needing attention, by reason) and the /ready check that warns of them, over one
 * reading of the booking table shared by a scrape and a readiness probe that come together.
 */
export function stuckSagaMonitor(orm: Orm, registry: client.Registry): ReadinessCheck {
  let reading: Promise<AttentionCounts> | undefined;
  const read = () => (reading ??= attentionCounts(orm).finally(() => setTimeout(() => (reading = undefined), 1_000).unref()));
  if (!registry.getSingleMetric(STUCK_GAUGE)) {
    new client.Gauge({
      name: STUCK_GAUGE,
      help: `Bookings whose saga stopped making progress (open ${STUCK_AFTER_MS / 60_000} min past their hold's expiry) or ended needing an operator, by reason`,
      labelNames: ['reason'],
      registers: [registry],
      async collect() {
        const counts = await read();
        for (const reason of ATTENTION_REASONS) this.set({ reason }, counts[reason]);
      },
    });
  }
  const summary = (counts: AttentionCounts) => {
    const total = ATTENTION_REASONS.reduce((sum, reason) => sum + counts[reason], 0);
    return {
      stalled: counts.stalled,
      needsOperator: counts.needs_operator,
      refundedWhileConfirmed: counts.refunded_while_confirmed,
      warning: total > 0 ? `${total} booking(s) need attention: GET /bookings/attention` : null,
    };
  };
  return {
    name: 'sagas',
    // A warning, never a failure (a stuck booking needs an operator, not a restart), so it answers within the probe.
    check: async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<{ warning: string }>((resolve) => {
        timer = setTimeout(resolve, COUNT_WAIT_MS, { warning: `stuck sagas not counted within ${COUNT_WAIT_MS} ms` });
      });
      const counted = read().then(summary, (err: Error) => ({ warning: `stuck sagas could not be counted: ${err.message}` }));
      return Promise.race([counted, late]).finally(() => clearTimeout(timer));
    },
  };
}
