// The invariants every saga test and benchmark checks (DESIGN §8), read from the events, bookings and payments
// databases and the test gateway's ledger; I-propagation also reads every subscriber's inbox. An empty list means
// they hold.
import type { Orm } from '../common/db/orm.ts';

export interface Violation {
  invariant: 'I-seat' | 'I-money' | 'I-terminal' | 'I-propagation';
  detail: string;
}

export interface InvariantDatabases {
  events: Orm;
  bookings: Orm;
  payments: Orm;
}

const TERMINAL = ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED', 'REFUNDED'];

type BookingFacts = {
  id: string;
  event_id: string;
  status: string;
  seats: { seatId: string }[];
  amount_minor: number | null;
  refunded_minor: number;
};
type PaymentFacts = { id: string; booking_id: string; status: string; captured_minor: number; refunded_minor: number };

type InventoryFacts = { event_id: string; seat_id: string; status: string; hold_id: string | null; live: boolean };

/** Checks the bookings of these events; `terminal` also requires every saga to have ended. */
export async function checkInvariants(db: InvariantDatabases, scope: { eventIds: string[]; terminal?: boolean }): Promise<Violation[]> {
  if (scope.eventIds.length === 0) return [];
  const bookings = await db.bookings.em
    .fork()
    .execute<BookingFacts[]>('select id, event_id, status, seats, amount_minor, refunded_minor from booking where event_id in (?)', [
      scope.eventIds,
    ]);
  return [
    ...(await seatViolations(db, scope.eventIds, bookings)),
    ...(await moneyViolations(db, bookings)),
    ...(scope.terminal ? terminalViolations(bookings) : []),
  ];
}

/** I-seat: at most one live booking per event and seat; the inventory agrees; never more sold than there are seats. */
async function seatViolations(db: InvariantDatabases, eventIds: string[], bookings: BookingFacts[]): Promise<Violation[]> {
  const inventory = await db.events.em.fork().execute<InventoryFacts[]>(
    `select event_id, seat_id, status, hold_id, (status = 'sold' or (status = 'held' and expires_at > now())) as live
       from seat_inventory where event_id in (?)`,
    [eventIds],
  );
  return [...sharedSeats(bookings), ...inventoryDisagreements(bookings, inventory), ...oversold(inventory)];
}

function sharedSeats(bookings: BookingFacts[]): Violation[] {
  const violations: Violation[] = [];
  const owners = new Map<string, string>();
  for (const booking of bookings.filter((b) => ['HELD', 'PAYING', 'CONFIRMED'].includes(b.status))) {
    for (const seat of booking.seats) {
      const key = `${booking.event_id}/${seat.seatId}`;
      const other = owners.get(key);
      if (other) violations.push({ invariant: 'I-seat', detail: `seat ${key} belongs to bookings ${other} and ${booking.id}` });
      owners.set(key, booking.id);
    }
  }
  return violations;
}

/** A sold seat belongs to a confirmed booking, and a confirmed booking's seats are sold to it. */
function inventoryDisagreements(bookings: BookingFacts[], inventory: InventoryFacts[]): Violation[] {
  const violations: Violation[] = [];
  const byId = new Map(bookings.map((b) => [b.id, b]));
  for (const row of inventory.filter((r) => r.status === 'sold')) {
    const booking = row.hold_id ? byId.get(row.hold_id) : undefined;
    if (booking?.status !== 'CONFIRMED') {
      violations.push({
        invariant: 'I-seat',
        detail: `seat ${row.event_id}/${row.seat_id} is sold to ${row.hold_id}, which is ${booking?.status ?? 'no booking'}`,
      });
    }
  }
  for (const booking of bookings.filter((b) => b.status === 'CONFIRMED')) {
    for (const seat of booking.seats) {
      const row = inventory.find((r) => r.event_id === booking.event_id && r.seat_id === seat.seatId);
      if (row?.status !== 'sold' || row.hold_id !== booking.id) {
        violations.push({
          invariant: 'I-seat',
          detail: `confirmed booking ${booking.id} does not own seat ${seat.seatId} (${row?.status ?? 'missing'})`,
        });
      }
    }
  }
  return violations;
}

function oversold(inventory: InventoryFacts[]): Violation[] {
  const violations: Violation[] = [];
  const capacity = new Map<string, number>();
  const sold = new Map<string, number>();
  for (const row of inventory) {
    capacity.set(row.event_id, (capacity.get(row.event_id) ?? 0) + 1);
    if (row.status === 'sold') sold.set(row.event_id, (sold.get(row.event_id) ?? 0) + 1);
  }
  for (const [eventId, count] of sold) {
    if (count > capacity.get(eventId)!)
      violations.push({ invariant: 'I-seat', detail: `event ${eventId} sold ${count} of ${capacity.get(eventId)} seats` });
  }
  return violations;
}

/**
 * I-money: CONFIRMED ⇔ exactly one capture not fully refunded (none for a free booking), keeping what the booking
 * shows (its price less partial refunds); a CANCELLED booking keeps only the fee it shows; no capture kept without a
 * booking; no double capture.
 */
async function moneyViolations(db: InvariantDatabases, bookings: BookingFacts[]): Promise<Violation[]> {
  const ids = bookings.map((b) => b.id);
  const payments = ids.length
    ? await db.payments.em
        .fork()
        .execute<PaymentFacts[]>('select id, booking_id, status, captured_minor, refunded_minor from payment where booking_id in (?)', [
          ids,
        ])
    : [];
  const kept = keptMoney(bookings, payments);
  const ledger = ids.length
    ? await db.payments.em.fork().execute<{ booking_id: string; captures: string }[]>(
        `select split_part(idempotency_key, ':', 1) as booking_id, count(*) as captures from test_gateway_operation
           where kind = 'charge' and outcome = 'captured' and split_part(idempotency_key, ':', 1) in (?) group by 1`,
        [ids],
      )
    : [];
  return [...kept, ...ledgerDisagreements(ledger, payments)];
}

/**
 * What a booking says its payment keeps: a confirmed one its price less what was refunded in part, a cancelled one
 * the cancellation fee (its price less the refund); any other ended booking nothing.
 */
const keptByBooking = (b: BookingFacts) =>
  b.status === 'CONFIRMED' || b.status === 'CANCELLED' ? (b.amount_minor ?? 0) - b.refunded_minor : 0;

function keptMoney(bookings: BookingFacts[], payments: PaymentFacts[]): Violation[] {
  const violations: Violation[] = [];
  for (const booking of bookings) {
    const kept = payments.filter((p) => p.booking_id === booking.id && p.captured_minor > p.refunded_minor);
    // A free booking (its price 0) confirms without any payment.
    const free = (booking.amount_minor ?? 0) === 0;
    if (booking.status === 'CONFIRMED' && kept.length !== (free ? 0 : 1)) {
      violations.push({ invariant: 'I-money', detail: `confirmed booking ${booking.id} keeps ${kept.length} captures` });
    }
    const keptMinor = kept.reduce((sum, p) => sum + p.captured_minor - p.refunded_minor, 0);
    const fee = booking.status === 'CANCELLED' && kept.length === 1 && keptMinor === keptByBooking(booking);
    if ((booking.status === 'CONFIRMED' && kept.length === 1) || fee) {
      if (keptMinor !== keptByBooking(booking)) {
        violations.push({
          invariant: 'I-money',
          detail: `${booking.status} booking ${booking.id} shows ${keptByBooking(booking)} kept, its payment keeps ${keptMinor}`,
        });
      }
      continue;
    }
    if (booking.status !== 'CONFIRMED' && kept.length > 0 && TERMINAL.includes(booking.status)) {
      violations.push({
        invariant: 'I-money',
        detail: `${booking.status} booking ${booking.id} keeps money (${kept.map((p) => p.id).join(', ')})`,
      });
    }
  }
  return violations;
}

/** The gateway's own ledger of captures agrees with the payments Eventix recorded. */
function ledgerDisagreements(ledger: { booking_id: string; captures: string }[], payments: PaymentFacts[]): Violation[] {
  const violations: Violation[] = [];
  for (const row of ledger) {
    const recorded = payments.filter((p) => p.booking_id === row.booking_id && p.captured_minor > 0).length;
    if (Number(row.captures) !== recorded) {
      violations.push({
        invariant: 'I-money',
        detail: `booking ${row.booking_id}: the gateway captured ${row.captures} times, Eventix recorded ${recorded}`,
      });
    }
  }
  return violations;
}

/** I-terminal: every saga has ended. */
function terminalViolations(bookings: BookingFacts[]): Violation[] {
  return bookings
    .filter((b) => !TERMINAL.includes(b.status))
    .map((booking): Violation => ({ invariant: 'I-terminal', detail: `booking ${booking.id} is still ${booking.status}` }));
}

/** A consuming service's inbox and the routing keys of the facts it subscribes to. */
export interface Subscriber {
  /** The inbox's consumer name, "<service>.<purpose>". */
  consumer: string;
  /** The database that holds that inbox. */
  inbox: Orm;
  routingKeys: string[];
}

/**
 * I-propagation: every fact the producers' outboxes hold (written since `since`) is in the inbox of every subscriber
 * to its routing key exactly once, the events service's sales projection counts each confirmed booking of these
 * events once, and no customer is told the same thing twice. Run it once the outboxes have drained and the consumers caught up.
 */
export async function checkPropagation(
  producers: Orm[],
  subscribers: Subscriber[],
  scope: { eventIds: string[]; since: Date; bookings: Orm; events: Orm; users: Orm },
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const facts = (
    await Promise.all(
      producers.map((orm) =>
        orm.em
          .fork()
          .execute<{ id: string; routing_key: string }[]>('select id, routing_key from outbox_message where created_at >= ?', [
            scope.since,
          ]),
      ),
    )
  ).flat();
  for (const subscriber of subscribers) {
    const wanted = facts.filter((f) => subscriber.routingKeys.includes(f.routing_key));
    if (wanted.length === 0) continue;
    const rows = await subscriber.inbox.em
      .fork()
      .execute<{ message_id: string; n: string }[]>(
        'select message_id, count(*) as n from inbox_message where consumer = ? and message_id in (?) group by 1',
        [subscriber.consumer, wanted.map((f) => f.id)],
      );
    const counts = new Map(rows.map((r) => [r.message_id, Number(r.n)]));
    for (const fact of wanted) {
      const n = counts.get(fact.id) ?? 0;
      if (n !== 1) {
        violations.push({
          invariant: 'I-propagation',
          detail: `${fact.routing_key} ${fact.id} is in ${subscriber.consumer}'s inbox ${n} times`,
        });
      }
    }
  }
  return [...violations, ...(await salesDisagreements(scope)), ...(await notificationDuplicates(scope))];
}

/** Each fact tells its customer once: no two notifications alike about one booking of these events. */
async function notificationDuplicates(scope: { eventIds: string[]; bookings: Orm; users: Orm }): Promise<Violation[]> {
  if (scope.eventIds.length === 0) return [];
  const bookings = await scope.bookings.em
    .fork()
    .execute<{ id: string }[]>('select id from booking where event_id in (?)', [scope.eventIds]);
  if (bookings.length === 0) return [];
  const twice = await scope.users.em.fork().execute<{ booking_id: string; kind: string; n: string }[]>(
    `select data->>'bookingId' as booking_id, kind, count(*) as n from user_notification
      where data->>'bookingId' in (?) group by user_id, data->>'bookingId', kind, title, body having count(*) > 1`,
    [bookings.map((b) => b.id)],
  );
  return twice.map((row): Violation => ({
    invariant: 'I-propagation',
    detail: `booking ${row.booking_id}: the customer was notified ${row.n} times (${row.kind})`,
  }));
}

/** The sales projection applies each confirmation (and cancellation) once: its sold seats are the confirmed bookings' seats. */
async function salesDisagreements(scope: { eventIds: string[]; bookings: Orm; events: Orm }): Promise<Violation[]> {
  if (scope.eventIds.length === 0) return [];
  const confirmed = await scope.bookings.em
    .fork()
    .execute<{ event_id: string; seats: string }[]>(
      `select event_id, coalesce(sum(jsonb_array_length(seats::jsonb)), 0) as seats from booking where status = 'CONFIRMED' and event_id in (?) group by 1`,
      [scope.eventIds],
    );
  const sales = await scope.events.em
    .fork()
    .execute<{ event_id: string; sold_seats: number }[]>('select event_id, sold_seats from event_sales where event_id in (?)', [
      scope.eventIds,
    ]);
  return scope.eventIds.flatMap((eventId): Violation[] => {
    const expected = Number(confirmed.find((r) => r.event_id === eventId)?.seats ?? 0);
    const counted = Number(sales.find((r) => r.event_id === eventId)?.sold_seats ?? 0);
    return expected === counted
      ? []
      : [{ invariant: 'I-propagation', detail: `event ${eventId}: ${expected} seats confirmed, the sales projection counts ${counted}` }];
  });
}
