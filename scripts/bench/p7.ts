// P7, fact propagation: the p99 lag from a fact's occurredAt to its row in the bookings event catalog, for a burst of
// BENCH_EVENTS (1000) event.updated facts on the bench exchange: the measurement of `npm run bench:propagation`.
import { runPropagationBenchmark } from '../bench-propagation.ts';
import { envNumber, fmt, type Figure } from './support/figure.ts';

export const p7: Figure = {
  id: 'P7',
  title: 'fact propagation p99 (event.updated → bookings event catalog)',
  needsPlatform: true,
  async run(ctx) {
    const count = envNumber('BENCH_EVENTS', 1_000);
    const result = await runPropagationBenchmark(ctx.bench.platform.config, count);
    const p99 = result.lagMs?.p99;
    return {
      rows: [
        {
          figure: 'P7',
          what: `fact propagation, burst of ${count}`,
          eventix: `p50 ${fmt(result.lagMs?.p50)} ms, p99 ${fmt(p99)} ms, max ${fmt(result.lagMs?.max)} ms`,
          reference: '',
          ratio: undefined,
          ratioText: '',
          goal: 'p99 ≤ 100 ms',
          met: p99 !== undefined && p99 <= 100,
        },
      ],
      details: result,
    };
  },
};
