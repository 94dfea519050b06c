// P8, a big sale to its end: one event of BENCH_P8_SEATS seats (2,000 by default; 10,000 for the full size) in
// sections of 500, at BENCH_P8_DEMAND (10) times as many seats asked for as there are, by customers asking for the
// best BENCH_P8_PER_CUSTOMER (10) seats of a section and paying at once, 20 in flight. Reported: time to sold out,
// bookings/s ÷ the saga skeleton's rate at the same concurrency, and the seat map's size in bytes.
import { checkInvariants } from '../../domain/invariants.ts';
import { eventOnSale } from './support/events.ts';
import { envNumber, fmt, type Figure } from './support/figure.ts';
import { closedLoop } from './support/load.ts';
import { Crowd, pay, runSale, type Selection } from './support/sale.ts';
import { ratio, round } from './support/stats.ts';

export const p8: Figure = {
  id: 'P8',
  title: 'a big sale to sold out, 20 in flight, versus the skeleton at C=20',
  needsPlatform: true,
  async run(ctx) {
    const seats = envNumber('BENCH_P8_SEATS', 2_000);
    const perCustomer = envNumber('BENCH_P8_PER_CUSTOMER', 10);
    const demand = envNumber('BENCH_P8_DEMAND', 10);
    const inFlight = envNumber('BENCH_P8_IN_FLIGHT', 20);
    const customersCount = envNumber('BENCH_P8_CUSTOMERS', Math.ceil((seats * demand) / perCustomer));
    const { platform } = ctx.bench;
    const customers = await ctx.customers.take(customersCount);
    const event = await eventOnSale(platform, seats, 500);
    const selections: Selection[] = customers.map((_, i) => ({
      section: event.sections[i % event.sections.length]!.sectionId,
      quantity: perCustomer,
    }));
    const crowd = new Crowd(ctx.bench.gatewayUrls, inFlight);
    let soldAt = 0;
    let confirmed = 0;
    let seatsSold = 0;
    const payFailures: Record<string, number> = {};
    const started = Date.now();
    try {
      ctx.say(`P8: ${customers.length} customers × ${perCustomer} seats for ${seats} seats, ${inFlight} in flight…`);
      const sale = await runSale({
        crowd,
        eventId: event.eventId,
        customers,
        selections,
        inFlight,
        after: async (attempt, customer) => {
          const status = await pay(crowd, customer.token, attempt.bookingId!);
          if (status === 'CONFIRMED') {
            confirmed++;
            seatsSold += perCustomer;
            soldAt = Date.now() - started;
            if (confirmed % 20 === 0) process.stdout.write(`\r  ${seatsSold} of ${seats} seats sold after ${round(soldAt / 1000, 1)} s`);
          } else payFailures[status ?? 'none'] = (payFailures[status ?? 'none'] ?? 0) + 1;
        },
      });
      process.stdout.write('\n');
      const answers: Record<string, number> = {};
      for (const a of sale.attempts) {
        const key = a.error ?? `${a.status}${a.code ? ` ${a.code}` : ''}`;
        answers[key] = (answers[key] ?? 0) + 1;
      }
      const [sold] = await platform.orms.events.em
        .fork()
        .execute<{ n: number }[]>(`select count(*)::int as n from seat_inventory where event_id = ? and status = 'sold'`, [event.eventId]);
      const violations = await checkInvariants(
        { events: platform.orms.events, bookings: platform.orms.bookings, payments: platform.orms.payments },
        { eventIds: [event.eventId] },
      );
      const seatMap = await crowd.get(`/events/${event.eventId}/seats`, customers[0]!.token);
      const eventixRate = confirmed / Math.max(soldAt / 1000, 0.001);
      ctx.say(
        `P8: ${sold?.n ?? 0} seats sold in ${round(soldAt / 1000, 1)} s (${fmt(eventixRate)} bookings/s); answers ${JSON.stringify(answers)}`,
      );

      const skeleton = await ctx.skeleton();
      ctx.say(`P8: the skeleton at C=${inFlight} for 5 s…`);
      const ref = await closedLoop({ concurrency: inFlight, durationMs: 5_000, warmupMs: 1_000, task: () => skeleton.book() });
      const skeletonRate = (ref.samples.filter((s) => !s.error).length / ref.windowMs) * 1000;
      const value = ratio(eventixRate, skeletonRate);
      return {
        rows: [
          {
            figure: 'P8',
            what: `${seats} seats sold out, ${customers.length} customers × ${perCustomer}, C=${inFlight}`,
            eventix: `sold out in ${fmt(soldAt / 1000)} s, ${fmt(eventixRate)} bookings/s, seat map ${fmt(seatMap.body.length / 1024)} KiB`,
            reference: `skeleton ${fmt(skeletonRate)} bookings/s`,
            ratio: value,
            goal: '',
            met: undefined,
          },
        ],
        details: {
          seats,
          customers: customers.length,
          perCustomer,
          inFlight,
          seatsSold: sold?.n ?? 0,
          confirmed,
          timeToSoldOutMs: soldAt,
          bookingsPerSecond: round(eventixRate),
          skeletonPerSecond: round(skeletonRate),
          skeletonErrors: ref.samples
            .filter((s) => s.error)
            .map((s) => s.error)
            .slice(0, 10),
          answers,
          payFailures,
          violations: violations.map((v) => `${v.invariant}: ${v.detail}`).slice(0, 20),
          seatMapBytes: seatMap.body.length,
          seatMapStatus: seatMap.status,
        },
      };
    } finally {
      crowd.close();
    }
  },
};
