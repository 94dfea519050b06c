// P6, what a hold costs above Temporal: Eventix's hold p50 at C=1 through the gateway minus the skeleton's hold p50
// (update-with-start with one no-op activity). Read from P5's C=1 rounds when P5 ran in this invocation.
import { eventOnSale } from './support/events.ts';
import { envNumber, fmt, type Figure } from './support/figure.ts';
import { bookingRates, eventixBooker, P5_C1, type BookingRates } from './p5.ts';
import { Crowd } from './support/sale.ts';
import { round } from './support/stats.ts';

export const p6: Figure = {
  id: 'P6',
  title: 'hold p50 at C=1 minus the skeleton hold p50',
  needsPlatform: true,
  async run(ctx) {
    let r = ctx.memo.get(P5_C1) as BookingRates | undefined;
    if (!r) {
      const customers = await ctx.customers.take(10);
      const event = await eventOnSale(ctx.bench.platform, 1_000, 500);
      const crowd = new Crowd(ctx.bench.gatewayUrls, 1);
      try {
        r = await bookingRates(
          ctx,
          eventixBooker(crowd, event, customers),
          1,
          envNumber('BENCH_P5_SECONDS', 6),
          envNumber('BENCH_P5_ROUNDS', 2),
        );
      } finally {
        crowd.close();
      }
    }
    const added = round(r.holdP50.eventix - r.holdP50.skeleton);
    ctx.say(`P6: hold p50 Eventix ${fmt(r.holdP50.eventix)} ms, skeleton ${fmt(r.holdP50.skeleton)} ms: +${fmt(added)} ms`);
    return {
      rows: [
        {
          figure: 'P6',
          what: 'hold p50 at C=1, Eventix − skeleton',
          eventix: `${fmt(r.holdP50.eventix)} ms`,
          reference: `skeleton ${fmt(r.holdP50.skeleton)} ms`,
          ratio: added,
          ratioText: `+${fmt(added)} ms`,
          goal: '≤ +30 ms',
          met: added <= 30,
        },
      ],
      details: { holdP50: r.holdP50, addedMs: added },
    };
  },
};
