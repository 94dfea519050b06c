// P5, bookings per second: hold → pay → CONFIRMED through the gateways at C=1 and C=10, against the saga skeleton
// (update-with-start for the hold with one no-op activity, a pay update with two) on the same Temporal server, in
// alternated rounds. Ratio P5 = Eventix ÷ skeleton. Also what one booking costs Temporal on each side: history events,
// workflow tasks and activities.
import { bookingWorkflowId } from '../../workflows/booking-messages.ts';
import type { Customer } from './support/customers.ts';
import { eventOnSale, type BenchEvent } from './support/events.ts';
import { envNumber, fmt, type BenchContext, type Figure, type Row } from './support/figure.ts';
import { averageCost } from './support/history.ts';
import { closedLoop, type LoopResult } from './support/load.ts';
import { alternate, medianOf } from './support/rounds.ts';
import { Crowd, pay } from './support/sale.ts';
import { percentiles, ratio } from './support/stats.ts';

interface Booking {
  workflowId: string;
  holdMs: number;
  payMs: number;
}

export interface BookingRates {
  concurrency: number;
  rounds: Record<string, LoopResult<Booking>[]>;
  perSecond: { eventix: number; skeleton: number };
  holdP50: { eventix: number; skeleton: number };
  errors: { eventix: string[]; skeleton: string[] };
}

/** Books seats one after the other on `event` through the gateways: each booking takes the next free seat. */
export function eventixBooker(crowd: Crowd, event: BenchEvent, customers: Customer[]): () => Promise<Booking> {
  let next = 0;
  return async () => {
    const i = next++;
    const seat = event.seatIds[i];
    if (!seat) throw new Error('the event has no seat left for another booking');
    const customer = customers[i % customers.length]!;
    const t0 = performance.now();
    const held = await crowd.post('/bookings', customer.token, { eventId: event.eventId, seats: [seat] });
    const t1 = performance.now();
    if (held.status !== 201) throw new Error(`hold ${held.status} ${held.body.toString().slice(0, 120)}`);
    const { id } = JSON.parse(held.body.toString()) as { id: string };
    const status = await pay(crowd, customer.token, id);
    if (status !== 'CONFIRMED') throw new Error(`pay ${status}`);
    return { workflowId: bookingWorkflowId(id), holdMs: t1 - t0, payMs: performance.now() - t1 };
  };
}

/** Eventix and the skeleton at one concurrency, alternated; the medians over the rounds. */
export async function bookingRates(
  ctx: BenchContext,
  book: () => Promise<Booking>,
  concurrency: number,
  seconds: number,
  rounds: number,
): Promise<BookingRates> {
  const skeleton = await ctx.skeleton();
  const loop = (task: () => Promise<Booking>) => () => closedLoop({ concurrency, durationMs: seconds * 1000, warmupMs: 1_000, task });
  const ok = (r: LoopResult<Booking>) => r.samples.filter((s) => !s.error);
  const result = await alternate(
    rounds,
    [
      { name: 'eventix', run: loop(book) },
      { name: 'skeleton', run: loop(() => skeleton.book()) },
    ],
    (r) =>
      `${fmt((ok(r).length / r.windowMs) * 1000)} bookings/s, hold p50 ${fmt(percentiles(ok(r).map((s) => s.value!.holdMs)).p50)} ms (${r.samples.length - ok(r).length} failed)`,
    ctx.say,
  );
  const rate = (side: string) => medianOf(result[side]!, (r) => (ok(r).length / r.windowMs) * 1000);
  const holdP50 = (side: string) => medianOf(result[side]!, (r) => percentiles(ok(r).map((s) => s.value!.holdMs)).p50);
  const errors = (side: string) =>
    result[side]!.flatMap((r) => r.samples.filter((s) => s.error).map((s) => s.error!))
      .slice(0, 10)
      .concat();
  return {
    concurrency,
    rounds: result,
    perSecond: { eventix: rate('eventix'), skeleton: rate('skeleton') },
    holdP50: { eventix: holdP50('eventix'), skeleton: holdP50('skeleton') },
    errors: { eventix: errors('eventix'), skeleton: errors('skeleton') },
  };
}

export const P5_C1 = 'p5:c1';

export const p5: Figure = {
  id: 'P5',
  title: 'bookings/s hold → pay → CONFIRMED via the gateway versus a Temporal-only skeleton',
  needsPlatform: true,
  async run(ctx) {
    const seconds = envNumber('BENCH_P5_SECONDS', 6);
    const rounds = envNumber('BENCH_P5_ROUNDS', 2);
    const customers = await ctx.customers.take(50);
    const event = await eventOnSale(ctx.bench.platform, envNumber('BENCH_P5_SEATS', 4_000), 500);
    const crowd = new Crowd(ctx.bench.gatewayUrls, 10);
    const book = eventixBooker(crowd, event, customers);
    const rows: Row[] = [];
    const details: Record<string, unknown> = { seconds };
    const samples: Record<string, string[]> = { eventix: [], skeleton: [] };
    try {
      for (const concurrency of [1, 10]) {
        ctx.say(`P5: ${rounds} rounds of ${seconds} s per side at C=${concurrency}`);
        const r = await bookingRates(ctx, book, concurrency, seconds, rounds);
        if (concurrency === 1) ctx.memo.set(P5_C1, r);
        for (const side of ['eventix', 'skeleton']) {
          samples[side]!.push(
            ...r.rounds[side]!.flatMap((x) => x.samples.filter((s) => s.value).map((s) => s.value!.workflowId)).slice(0, 3),
          );
        }
        const value = ratio(r.perSecond.eventix, r.perSecond.skeleton);
        rows.push({
          figure: `P5 C=${concurrency}`,
          what: 'bookings/s hold → pay → CONFIRMED',
          eventix: `${fmt(r.perSecond.eventix)} bookings/s`,
          reference: `skeleton ${fmt(r.perSecond.skeleton)} bookings/s`,
          ratio: value,
          goal: '≥ 0.8',
          met: value !== undefined && value >= 0.8,
        });
        details[`c${concurrency}`] = {
          perSecond: r.perSecond,
          holdP50: r.holdP50,
          errors: r.errors,
          rounds: Object.fromEntries(Object.entries(r.rounds).map(([k, v]) => [k, v.map((x) => ({ perSecond: x.perSecond }))])),
        };
      }
      const client = ctx.bench.platform.temporal.client;
      const cost = { eventix: await averageCost(client, samples.eventix!), skeleton: await averageCost(client, samples.skeleton!) };
      details.historyPerBooking = cost;
      const c = (x: typeof cost.eventix) => `${x.events} events, ${x.workflowTasks} workflow tasks, ${x.activities} activities`;
      ctx.say(`P5: per booking, Eventix ${c(cost.eventix)}; skeleton ${c(cost.skeleton)}`);
      rows.push({
        figure: 'P5 history',
        what: 'Temporal history per booking',
        eventix: c(cost.eventix),
        reference: `skeleton ${c(cost.skeleton)}`,
        ratio: ratio(cost.eventix.events, cost.skeleton.events),
        goal: '',
        met: undefined,
      });
      return { rows, details };
    } finally {
      crowd.close();
    }
  },
};
