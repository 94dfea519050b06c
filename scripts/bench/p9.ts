// P9, an on-sale through its waiting room: BENCH_P9_CUSTOMERS (10,000) customers join the pre-queue of an event of
// BENCH_P9_SEATS (1,000) seats, BENCH_P9_IN_FLIGHT (64) joins at a time; at the opening the admitter admits at the
// automatic rate (the measured capacity), and each customer reads its place until admitted (more often the nearer
// its estimated turn, as a client following it would), then holds one seat and pays. Reported: joins per second against the bare INSERT … ON CONFLICT over pg in the same run, the p99 of the
// queue reads, seats oversold (0) and left unsold (0), the share of admitted customers who got a seat, and the time
// from the opening to sold out (BENCH_P9_MAX_SECONDS, 900, bounds the wait for it).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { checkInvariants } from '../../domain/invariants.ts';
import { issueAccessToken } from '../../domain/users/tokens.ts';
import type { Customer } from './support/customers.ts';
import { eventOnSale } from './support/events.ts';
import { envNumber, fmt, sleep, type Figure } from './support/figure.ts';
import { HttpClient, closedLoop } from './support/load.ts';
import { Crowd, pay } from './support/sale.ts';
import { percentiles, ratio, round } from './support/stats.ts';

type Place = { state?: string; admission?: { token: string } | null; code?: string; estimatedWaitSeconds?: number | null };

/**
 * When a waiting customer reads its place again, as a client that follows its estimated wait would: every second near
 * its turn, at most every 30 s far from it (a third of the wait), so the crowd's reads go where admissions are.
 */
const nextReadMs = (place: Place) => 1_000 * Math.min(30, Math.max(1, (place.estimatedWaitSeconds ?? 0) / 3));

const parse = (body: Buffer): Place => {
  try {
    return JSON.parse(body.toString()) as Place;
  } catch {
    return {};
  }
};

/** States after which a customer stops reading its place. */
const DONE = new Set(['used', 'expired', 'sold_out']);

export const p9: Figure = {
  id: 'P9',
  title: 'an on-sale through the waiting room: joins/s, queue reads, sold out at the measured capacity',
  needsPlatform: true,
  async run(ctx) {
    const customersCount = envNumber('BENCH_P9_CUSTOMERS', 10_000);
    const seats = envNumber('BENCH_P9_SEATS', 1_000);
    const inFlight = envNumber('BENCH_P9_IN_FLIGHT', 64);
    const maxSeconds = envNumber('BENCH_P9_MAX_SECONDS', 900);
    const { platform } = ctx.bench;
    const customers = await ctx.customers.take(customersCount);
    const event = await eventOnSale(platform, seats, 500);
    const crowd = new Crowd(ctx.bench.gatewayUrls, inFlight);
    const adminClient = new HttpClient(ctx.bench.gatewayUrls[0]!, 1);
    const admin = await issueAccessToken(ctx.bench.keys, platform.config.auth, {
      userId: randomUUID(),
      role: 'admin',
      sessionId: randomUUID(),
    });
    const settings = (opensAt: Date) => ({
      opensAt: opensAt.toISOString(),
      waitingRoom: true,
      admissionRatePerMinute: 'auto',
      admissionTtlSeconds: 120,
      maxSeatsPerCustomer: 1,
      joinsPerAddressPerMinute: 1_000_000,
    });
    const put = async (opensAt: Date) => {
      const res = await adminClient.send({
        method: 'PUT',
        path: `/api/v1/events/${event.eventId}/on-sale`,
        headers: { authorization: `Bearer ${admin}` },
        body: JSON.stringify(settings(opensAt)),
      });
      if (res.status !== 200) throw new Error(`PUT on-sale answered ${res.status} ${res.body.toString()}`);
    };
    try {
      await put(new Date(Date.now() + 24 * 3_600_000));
      ctx.say(`P9: ${customers.length} customers join the pre-queue, ${inFlight} at a time…`);
      const joins = await closedLoop({
        concurrency: inFlight,
        count: customers.length,
        task: async (i) => {
          const res = await crowd.post(`/events/${event.eventId}/queue`, customers[i]!.token, undefined);
          if (res.status !== 201) throw Object.assign(new Error('join refused'), { code: `${res.status} ${parse(res.body).code ?? ''}` });
        },
      });
      const joinErrors = joins.samples.filter((s) => s.error).length;
      ctx.say(`P9: ${fmt(joins.perSecond)} joins/s (${joinErrors} refused); the bare INSERT for reference…`);
      const bare = await bareInserts(platform.config.services.bookings.databaseUrl, customers.length, inFlight);

      const opened = Date.now();
      await put(new Date(opened - 1_000));
      const reads: number[] = [];
      const outcome = { admitted: 0, held: 0, confirmed: 0, soldOut: 0, expired: 0, refusedHolds: {} as Record<string, number> };
      let soldOutAt = 0;
      const admitted = new Set<string>();
      // The crowd reads its places in passes: each pass asks every customer still waiting whose next read is due.
      let waiting: Customer[] = [...customers];
      const dueAt = new Map<string, number>();
      ctx.say(`P9: opened; ${waiting.length} customers read their places until admitted, then hold and pay…`);
      while (waiting.length > 0 && Date.now() - opened < maxSeconds * 1000) {
        const still: Customer[] = [];
        const passStarted = Date.now();
        const due = waiting.filter((c) => (dueAt.get(c.id) ?? 0) <= passStarted);
        still.push(...waiting.filter((c) => (dueAt.get(c.id) ?? 0) > passStarted));
        await closedLoop({
          concurrency: inFlight,
          count: due.length,
          task: async (i) => {
            const customer = due[i]!;
            const t0 = performance.now();
            const res = await crowd.get(`/events/${event.eventId}/queue/me`, customer.token).catch(() => undefined);
            // No answer (a timeout under load): the customer asks again on the next pass.
            if (!res) return void still.push(customer);
            reads.push(performance.now() - t0);
            const place = parse(res.body);
            if (place.state === 'admitted' && place.admission) {
              if (!admitted.has(customer.id)) outcome.admitted++;
              admitted.add(customer.id);
              const status = await holdAndPay(crowd, event.eventId, customer, place.admission.token, outcome.refusedHolds);
              if (status === 'CONFIRMED') outcome.confirmed++;
              if (status !== 'refused') outcome.held++;
              // A refused hold gave the admission back: the customer tries again on the next pass, until it expires.
              else still.push(customer);
              return;
            }
            if (place.state === 'sold_out') {
              outcome.soldOut++;
              soldOutAt ||= Date.now() - opened;
            } else if (place.state === 'expired') outcome.expired++;
            else if (!DONE.has(place.state ?? '')) {
              dueAt.set(customer.id, Date.now() + nextReadMs(place));
              still.push(customer);
            }
          },
        });
        waiting = still;
        process.stdout.write(
          `\r  ${outcome.confirmed} of ${seats} seats sold, ${waiting.length} waiting, ${round((Date.now() - opened) / 1000, 1)} s`,
        );
        // A pass quicker than a second asks again only after the admitter's next step.
        await sleep(Math.max(0, 1_000 - (Date.now() - passStarted)));
      }
      process.stdout.write('\n');
      const [sold] = await platform.orms.events.em
        .fork()
        .execute<{ n: number }[]>(`select count(*)::int as n from seat_inventory where event_id = ? and status = 'sold'`, [event.eventId]);
      const [onSale] = await platform.orms.bookings.em
        .fork()
        .execute<{ sold_out_at: Date | null }[]>('select sold_out_at from on_sale where event_id = ?', [event.eventId]);
      const timeToSoldOutMs = onSale?.sold_out_at ? new Date(onSale.sold_out_at).getTime() - opened : soldOutAt;
      const violations = await checkInvariants(
        { events: platform.orms.events, bookings: platform.orms.bookings, payments: platform.orms.payments },
        { eventIds: [event.eventId] },
      );
      const seatsSold = sold?.n ?? 0;
      const readP = percentiles(reads);
      const share = outcome.admitted ? outcome.confirmed / outcome.admitted : 0;
      ctx.say(
        `P9: ${seatsSold} of ${seats} seats sold (${outcome.confirmed} of ${outcome.admitted} admitted customers), queue read p99 ${readP.p99} ms, sold out after ${round(timeToSoldOutMs / 1000, 1)} s`,
      );
      return {
        rows: [
          {
            figure: 'P9',
            what: `waiting-room joins, ${customers.length} customers, C=${inFlight}`,
            eventix: `${fmt(joins.perSecond)} joins/s`,
            reference: `bare INSERT … ON CONFLICT ${fmt(bare.perSecond)}/s`,
            ratio: ratio(joins.perSecond, bare.perSecond),
            goal: 'thousands per second',
            met: joins.perSecond >= 1_000,
          },
          {
            figure: 'P9',
            what: `on-sale: ${customers.length} queued for ${seats} seats, automatic rate`,
            eventix:
              `oversold ${Math.max(0, seatsSold - seats)}, unsold ${seats - seatsSold}, read p99 ${fmt(readP.p99)} ms, ` +
              `${fmt(share * 100)}% of admitted got seats, sold out in ${fmt(timeToSoldOutMs / 1000)} s`,
            reference: '',
            ratio: undefined,
            goal: '0 oversold, every seat sold',
            met: seatsSold === seats && violations.length === 0,
          },
        ],
        details: {
          customers: customers.length,
          seats,
          inFlight,
          joinsPerSecond: joins.perSecond,
          joinErrors: joins.samples
            .filter((s) => s.error)
            .map((s) => s.error)
            .slice(0, 10),
          joinLatencyMs: percentiles(joins.samples.map((s) => s.ms)),
          bareInsertsPerSecond: bare.perSecond,
          queueReadMs: readP,
          seatsSold,
          oversold: Math.max(0, seatsSold - seats),
          ...outcome,
          shareOfAdmittedWithSeats: round(share, 3),
          timeToSoldOutMs,
          stillWaiting: waiting.length,
          violations: violations.map((v) => `${v.invariant}: ${v.detail}`).slice(0, 20),
        },
      };
    } finally {
      crowd.close();
      adminClient.close();
    }
  },
};

/** One seat, best available in any section, with the admission; paid at once. 'refused' when no hold was made. */
async function holdAndPay(crowd: Crowd, eventId: string, customer: Customer, admissionToken: string, refused: Record<string, number>) {
  const sections = await crowd.get(`/events/${eventId}/availability`, customer.token);
  const open = (JSON.parse(sections.body.toString()) as { sections: { sectionId: string; available: number }[] }).sections.filter(
    (s) => s.available > 0,
  );
  for (const section of open.sort(() => Math.random() - 0.5)) {
    const res = await crowd.post('/bookings', customer.token, { eventId, section: section.sectionId, quantity: 1, admissionToken });
    const body = parse(res.body) as Place & { id?: string };
    if (res.status === 201 && body.id) return payOrGiveBack(crowd, customer.token, body.id, refused);
    refused[`${res.status} ${body.code ?? ''}`] = (refused[`${res.status} ${body.code ?? ''}`] ?? 0) + 1;
    // Seats taken in this section: the admission was given back, another section may have one.
    if (body.code !== 'SEATS_UNAVAILABLE') break;
  }
  return 'refused';
}

/**
 * Pays, asking again after an answer that is not CONFIRMED (a saga slow to answer under load); a booking still not
 * paid then is cancelled, so its seat goes back on sale now rather than at the hold's expiry.
 */
async function payOrGiveBack(crowd: Crowd, token: string, bookingId: string, failures: Record<string, number>): Promise<string> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const status = await pay(crowd, token, bookingId);
    if (status === 'CONFIRMED') return status;
    failures[`pay ${status ?? 'none'}`] = (failures[`pay ${status ?? 'none'}`] ?? 0) + 1;
    await sleep(1_000);
  }
  await crowd.post(`/bookings/${bookingId}/cancel`, token, {});
  return 'cancelled';
}

/** The reference: the join's own statement shape, a bare INSERT … ON CONFLICT DO NOTHING per customer, over pg. */
async function bareInserts(databaseUrl: string, count: number, concurrency: number): Promise<{ perSecond: number }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Math.min(concurrency, 10) });
  const eventId = randomUUID();
  try {
    const run = await closedLoop({
      concurrency,
      count,
      task: async () => {
        await pool.query('insert into queue_entry (event_id, customer_id) values ($1, $2) on conflict do nothing', [eventId, randomUUID()]);
      },
    });
    return { perSecond: run.perSecond };
  } finally {
    await pool.query('delete from queue_entry where event_id = $1', [eventId]).catch(() => undefined);
    await pool.end();
  }
}
