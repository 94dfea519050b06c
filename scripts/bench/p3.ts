// P3, the hold operation: a hold and its release through the domain (holdSeats, releaseSeats) on the bench events
// database, against the same claim and release as bare SQL over `pg` (one conditional update ... returning each, the
// statement the domain's claim is built on), at 1 and 10 in parallel; each worker holds a seat of its own.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { holdSeats, releaseSeats } from '../../domain/events/seats.ts';
import { eventOnSale } from './support/events.ts';
import { envNumber, fmt, type Figure, type Row } from './support/figure.ts';
import { closedLoop, type LoopResult } from './support/load.ts';
import { alternate, medianOf, ROUNDS } from './support/rounds.ts';
import { percentiles, ratio } from './support/stats.ts';

const FREE = `(status = 'available' or (status = 'held' and expires_at <= now()))`;
/** The claim of seats.ts as one statement: every seat or none, rows locked in seat order. */
const RAW_HOLD = `with wanted as (
    select seat_id from seat_inventory where event_id = $1 and seat_id = any($2::uuid[]) and ${FREE}
    order by seat_id for update
  )
  update seat_inventory inv
    set status = 'held', hold_id = $3, customer_id = $4, expires_at = $5, version = inv.version + 1, updated_at = now()
  where inv.event_id = $1 and inv.seat_id in (select seat_id from wanted) and (select count(*) from wanted) = cardinality($2::uuid[])
  returning inv.seat_id`;
const RAW_RELEASE = `update seat_inventory set status = 'available', hold_id = null, customer_id = null, expires_at = null,
    version = version + 1, updated_at = now()
  where hold_id = $1 and status = 'held' returning seat_id`;

export const p3: Figure = {
  id: 'P3',
  title: 'the hold/release pair: domain function versus raw SQL over pg',
  needsPlatform: true,
  async run(ctx) {
    const seconds = envNumber('BENCH_P3_SECONDS', 3);
    const { platform } = ctx.bench;
    const event = await eventOnSale(platform, 20);
    const pool = new pg.Pool({ connectionString: platform.config.services.events.databaseUrl, max: 10 });
    const until = () => new Date(Date.now() + 600_000);
    const domainPair = async (worker: number) => {
      const holdId = randomUUID();
      const seatId = event.seatIds[worker]!;
      await holdSeats(platform.orms.events.em.fork(), {
        holdId,
        eventId: event.eventId,
        customerId: randomUUID(),
        selection: { seatIds: [seatId] },
        until: until(),
        maxSeatsPerCustomer: 10,
      });
      await releaseSeats(platform.orms.events.em.fork(), holdId);
    };
    const rawPair = async (worker: number) => {
      const holdId = randomUUID();
      const held = await pool.query(RAW_HOLD, [event.eventId, [event.seatIds[worker]!], holdId, randomUUID(), until()]);
      if (held.rowCount !== 1) throw new Error('raw hold missed its seat');
      await pool.query(RAW_RELEASE, [holdId]);
    };
    const loop = (pair: (worker: number) => Promise<void>, concurrency: number) => () =>
      closedLoop({ concurrency, durationMs: seconds * 1000, warmupMs: 500, task: (_i, w) => pair(w) });
    const describe = (r: LoopResult<void>) => {
      const errors = r.samples.filter((s) => s.error).length;
      return `${fmt(r.perSecond)} pairs/s, p50 ${percentiles(r.samples.map((s) => s.ms)).p50} ms (${errors} errors)`;
    };
    try {
      const rows: Row[] = [];
      const details: Record<string, unknown> = { seconds, rawStatements: { hold: RAW_HOLD, release: RAW_RELEASE } };
      for (const concurrency of [1, 10]) {
        ctx.say(`P3: ${ROUNDS} rounds of ${seconds} s per side at C=${concurrency}`);
        const r = await alternate(
          ROUNDS,
          [
            { name: 'domain', run: loop(domainPair, concurrency) },
            { name: 'raw', run: loop(rawPair, concurrency) },
          ],
          describe,
          ctx.say,
        );
        const rate = (side: string) => medianOf(r[side]!, (x) => x.samples.filter((s) => !s.error).length / (x.windowMs / 1000));
        const errors = Object.values(r)
          .flat()
          .flatMap((x) => x.samples.filter((s) => s.error).map((s) => s.error));
        if (errors.length) throw new Error(`P3 at C=${concurrency}: ${errors.length} operations failed (${errors[0]})`);
        const value = ratio(rate('domain'), rate('raw'));
        rows.push({
          figure: `P3 C=${concurrency}`,
          what: 'hold + release pairs/s, domain ÷ raw pg',
          eventix: `${fmt(rate('domain'))} pairs/s`,
          reference: `raw pg ${fmt(rate('raw'))} pairs/s`,
          ratio: value,
          goal: '',
          met: undefined,
        });
        details[`c${concurrency}`] = Object.fromEntries(
          Object.entries(r).map(([side, results]) => [
            side,
            results.map((x) => ({ perSecond: x.perSecond, latencyMs: percentiles(x.samples.map((s) => s.ms)) })),
          ]),
        );
      }
      return { rows, details };
    } finally {
      await pool.end();
    }
  },
};
