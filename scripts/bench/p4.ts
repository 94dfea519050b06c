// P4, a flash sale: 2,000 signed-in customers, 200 in flight, for 500 seats; each asks once for 1-2 named seats
// (random, seeded), then the same crowd for best-available seats (a section and a quantity). Reported: seats sold or
// held twice (the invariants, read from the databases), seats left free although a refused customer asked for them,
// winners' and losers' latency, booking workflows started for losers (customers answered 409, matched to the
// bookings service's rows, one per saga) apart from those for customers answered neither 201 nor 409 (a 503 while the
// hold's outcome was pending, no answer), and holds made for clients that had given up (30 s timeout). Winners do not
// pay.
import { checkInvariants } from '../../domain/invariants.ts';
import type { Platform } from '../chaos/processes.ts';
import { eventOnSale, type BenchEvent } from './support/events.ts';
import { envNumber, fmt, sleep, type Figure, type Row } from './support/figure.ts';
import { Crowd, runSale, seeded, type Attempt, type Selection } from './support/sale.ts';
import { percentiles } from './support/stats.ts';

const FREE = `(status = 'available' or (status = 'held' and expires_at <= now()))`;

async function countWorkflows(platform: Platform, query: string): Promise<number> {
  return (await platform.temporal.client.workflow.count(query)).count;
}

/** Waits until no booking of the event is still deciding its hold (bounded), so the counts after are final. */
async function settle(platform: Platform, eventId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await countWorkflows(platform, `EventId = "${eventId}" AND BookingStatus = "PENDING"`)) === 0) return;
    await sleep(500);
  }
}

export interface SaleReport {
  variant: string;
  customers: number;
  seats: number;
  answers: Record<string, number>;
  winners: number;
  seatsHeld: number;
  oversold: number;
  violations: string[];
  unsoldWhileDemanded: number;
  winnersMs: ReturnType<typeof percentiles>;
  losersMs: ReturnType<typeof percentiles>;
  workflows: number;
  workflowsForLosers: number;
  /** Sagas for customers answered neither 201 nor 409: their hold's outcome was pending or never reached them. */
  workflowsForUnanswered: number;
  failedWorkflows: number;
  untoldHolds: number;
  elapsedMs: number;
}

async function report(platform: Platform, variant: string, event: BenchEvent, attempts: Attempt[], elapsedMs: number): Promise<SaleReport> {
  await settle(platform, event.eventId);
  const answers: Record<string, number> = {};
  for (const a of attempts) {
    const key = a.error ?? `${a.status}${a.code ? ` ${a.code}` : ''}`;
    answers[key] = (answers[key] ?? 0) + 1;
  }
  const winners = attempts.filter((a) => a.status === 201);
  const losers = attempts.filter((a) => a.status === 409);
  const events = platform.orms.events.em.fork();
  const violations = await checkInvariants(
    { events: platform.orms.events, bookings: platform.orms.bookings, payments: platform.orms.payments },
    { eventIds: [event.eventId] },
  );
  const free = new Set(
    (await events.execute<{ seat_id: string }[]>(`select seat_id from seat_inventory where event_id = ? and ${FREE}`, [event.eventId])).map(
      (r) => r.seat_id,
    ),
  );
  const [heldRow] = await events.execute<{ held: number }[]>(
    `select count(*)::int as held from seat_inventory where event_id = ? and not ${FREE}`,
    [event.eventId],
  );
  const held = heldRow?.held ?? 0;
  // Named: a seat a refused customer asked for and nobody got. Best available: seats left in a section where a refused
  // customer wanted no more than were left.
  let unsold = 0;
  if (variant === 'named') {
    const demanded = new Set(losers.flatMap((a) => ('seats' in a.selection ? a.selection.seats : [])));
    unsold = [...free].filter((s) => demanded.has(s)).length;
  } else {
    for (const section of event.sections) {
      const left = section.seatIds.filter((s) => free.has(s)).length;
      const wanted = losers.filter((a) => 'section' in a.selection && a.selection.section === section.sectionId);
      if (left > 0 && wanted.some((a) => 'quantity' in a.selection && a.selection.quantity <= left)) unsold += left;
    }
  }
  // Holds made for a customer who never heard: no answer within the client's 30 s, or the connection lost.
  const unanswered = attempts.filter((a) => a.status === undefined).map((a) => a.customerId);
  const [untoldRow] = unanswered.length
    ? await events.execute<{ untold: number }[]>(
        `select count(*)::int as untold from seat_hold where event_id = ? and customer_id in (?) and status in ('held', 'confirmed')`,
        [event.eventId, unanswered],
      )
    : [{ untold: 0 }];
  const untold = untoldRow?.untold ?? 0;
  const workflows = await countWorkflows(platform, `EventId = "${event.eventId}"`);
  const failedWorkflows = await countWorkflows(platform, `EventId = "${event.eventId}" AND BookingStatus = "FAILED"`);
  // One booking row per saga started: whose customer was told what.
  const told = new Map(attempts.map((a) => [a.customerId, a.status]));
  const sagas = await platform.orms.bookings.em
    .fork()
    .execute<{ customer_id: string }[]>(`select customer_id from booking where event_id = ?`, [event.eventId]);
  const answeredWith = (status: number | undefined) => sagas.filter((s) => told.get(s.customer_id) === status).length;
  const forLosers = answeredWith(409);
  const forUnanswered = sagas.length - answeredWith(201) - forLosers;
  return {
    variant,
    customers: attempts.length,
    seats: event.seatIds.length,
    answers,
    winners: winners.length,
    seatsHeld: held,
    oversold: violations.filter((v) => v.invariant === 'I-seat').length,
    violations: violations.map((v) => `${v.invariant}: ${v.detail}`).slice(0, 20),
    unsoldWhileDemanded: unsold,
    winnersMs: percentiles(winners.map((a) => a.ms)),
    losersMs: percentiles(losers.map((a) => a.ms)),
    workflows,
    workflowsForLosers: forLosers,
    workflowsForUnanswered: forUnanswered,
    failedWorkflows,
    untoldHolds: untold,
    elapsedMs,
  };
}

function row(r: SaleReport): Row {
  const met = r.oversold === 0 && r.unsoldWhileDemanded === 0 && r.losersMs.p99 <= 20 && r.workflowsForLosers === 0;
  return {
    figure: `P4 ${r.variant}`,
    what: `flash sale, ${r.customers} customers, ${r.seats} seats, ${r.variant === 'named' ? '1-2 named seats' : 'best 1-2 in a section'}`,
    eventix:
      `oversold ${r.oversold}, unsold-while-demanded ${r.unsoldWhileDemanded}, winners ${r.winners} p50/p99 ${fmt(r.winnersMs.p50)}/${fmt(r.winnersMs.p99)} ms, ` +
      `losers p50/p90/p99 ${fmt(r.losersMs.p50)}/${fmt(r.losersMs.p90)}/${fmt(r.losersMs.p99)} ms, loser workflows ${r.workflowsForLosers}, ` +
      `workflows for unanswered ${r.workflowsForUnanswered}, untold holds ${r.untoldHolds}`,
    reference: '',
    ratio: undefined,
    ratioText: '',
    goal: '0 oversold, 0 unsold-while-demanded, losers p99 ≤ 20 ms, 0 loser workflows',
    met,
  };
}

export const p4: Figure = {
  id: 'P4',
  title: 'flash sale: 2,000 customers, 200 in flight, 500 seats',
  needsPlatform: true,
  async run(ctx) {
    const customersCount = envNumber('BENCH_P4_CUSTOMERS', 2_000);
    const seats = envNumber('BENCH_P4_SEATS', 500);
    const inFlight = envNumber('BENCH_P4_IN_FLIGHT', 200);
    const customers = await ctx.customers.take(customersCount);
    const { platform } = ctx.bench;
    const crowd = new Crowd(ctx.bench.gatewayUrls, inFlight);
    const reports: SaleReport[] = [];
    try {
      for (const variant of ['named', 'best'] as const) {
        const event = await eventOnSale(platform, seats, variant === 'named' ? seats : 100);
        const random = seeded(variant === 'named' ? 4 : 8);
        const selections: Selection[] = customers.map(() => {
          const quantity = random() < 0.5 ? 1 : 2;
          if (variant === 'best') return { section: event.sections[Math.floor(random() * event.sections.length)]!.sectionId, quantity };
          const chosen = new Set<string>();
          while (chosen.size < quantity) chosen.add(event.seatIds[Math.floor(random() * event.seatIds.length)]!);
          return { seats: [...chosen] };
        });
        ctx.say(`P4 ${variant}: ${customers.length} customers, ${inFlight} in flight, ${seats} seats…`);
        const sale = await runSale({ crowd, eventId: event.eventId, customers, selections, inFlight });
        const r = await report(platform, variant, event, sale.attempts, sale.elapsedMs);
        ctx.say(`P4 ${variant}: ${sale.elapsedMs} ms; answers ${JSON.stringify(r.answers)}`);
        ctx.say(`P4 ${variant}: ${row(r).eventix}; ${r.seatsHeld} seats held`);
        reports.push(r);
      }
    } finally {
      crowd.close();
    }
    return { rows: reports.map(row), details: { inFlight, reports } };
  },
};
