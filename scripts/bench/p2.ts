// P2, the gateway's cost: the P1 read through the gateway against the same read on the events service directly, at 50
// connections (ratio of req/s) and at 1 connection (the p50 and p99 the gateway adds).
import { eventOnSale } from './support/events.ts';
import { envNumber, fmt, type Figure } from './support/figure.ts';
import { describeLoad, httpLoad, type HttpLoadResult } from './support/load.ts';
import { alternate, medianOf, ROUNDS } from './support/rounds.ts';
import { ratio, round } from './support/stats.ts';

export const p2: Figure = {
  id: 'P2',
  title: 'the same read through the gateway versus direct',
  needsPlatform: true,
  async run(ctx) {
    const seconds = envNumber('BENCH_P2_SECONDS', 5);
    const connections = envNumber('BENCH_P2_CONNECTIONS', 50);
    const event = await eventOnSale(ctx.bench.platform, 20);
    const [customer] = await ctx.customers.take(1);
    const headers = { authorization: `Bearer ${customer!.token}` };
    const direct = { origin: ctx.bench.eventsUrl, path: `/events/${event.eventId}` };
    const viaGateway = { origin: ctx.bench.gatewayUrls[0]!, path: `/api/v1/events/${event.eventId}` };
    const load = (target: { origin: string; path: string }, conns: number, ms: number) => () =>
      httpLoad({ origin: target.origin, connections: conns, durationMs: ms, warmupMs: 1_000, request: { path: target.path, headers } });

    ctx.say(`P2: ${ROUNDS} rounds of ${seconds} s per side at ${connections} connections`);
    const wide = await alternate<HttpLoadResult>(
      ROUNDS,
      [
        { name: 'gateway', run: load(viaGateway, connections, seconds * 1000) },
        { name: 'direct', run: load(direct, connections, seconds * 1000) },
      ],
      describeLoad,
      ctx.say,
    );
    ctx.say(`P2: ${ROUNDS} rounds of ${seconds} s per side at 1 connection`);
    const single = await alternate<HttpLoadResult>(
      ROUNDS,
      [
        { name: 'gateway', run: load(viaGateway, 1, seconds * 1000) },
        { name: 'direct', run: load(direct, 1, seconds * 1000) },
      ],
      describeLoad,
      ctx.say,
    );
    const rate = (side: string) => medianOf(wide[side]!, (r) => r.perSecond);
    const at1 = (side: string, p: 'p50' | 'p99') => medianOf(single[side]!, (r) => r.latencyMs[p]);
    const throughput = ratio(rate('gateway'), rate('direct'));
    const addedP50 = round(at1('gateway', 'p50') - at1('direct', 'p50'));
    const addedP99 = round(at1('gateway', 'p99') - at1('direct', 'p99'));
    ctx.say(`P2: gateway ÷ direct ${throughput}; at 1 connection the gateway adds p50 ${addedP50} ms, p99 ${addedP99} ms`);
    return {
      rows: [
        {
          figure: 'P2',
          what: `GET /events/:id via gateway, ${connections} conn`,
          eventix: `${fmt(rate('gateway'))} req/s`,
          reference: `direct ${fmt(rate('direct'))} req/s`,
          ratio: throughput,
          goal: '≥ 0.85',
          met: throughput !== undefined && throughput >= 0.85,
        },
        {
          figure: 'P2 added',
          what: 'latency the gateway adds, 1 conn',
          eventix: `p50 ${fmt(at1('gateway', 'p50'))} ms, p99 ${fmt(at1('gateway', 'p99'))} ms`,
          reference: `direct p50 ${fmt(at1('direct', 'p50'))} ms, p99 ${fmt(at1('direct', 'p99'))} ms`,
          ratio: addedP99,
          ratioText: `+${fmt(addedP50)} / +${fmt(addedP99)} ms`,
          goal: 'p99 ≤ +1 ms',
          met: addedP99 <= 1,
        },
      ],
      details: { connections, seconds, wide, single, addedMs: { p50: addedP50, p99: addedP99 } },
    };
  },
};
