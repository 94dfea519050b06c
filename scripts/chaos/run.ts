// One scenario end to end on a running platform: a fresh event, signed-up customers, the load, the fault, a probe
// customer booking until it succeeds again, then the checks once everything has settled.
import { randomUUID } from 'node:crypto';
import { createEvent, publishEvent, setPriceTiers } from '../../domain/events/events.ts';
import { createVenue } from '../../domain/events/venues.ts';
import { verdict, type Verdict } from './checks.ts';
import { Client, firstBookingAfter, signUpCustomers, startLoad, type BookingRecord } from './load.ts';
import type { Platform, ProcessName } from './processes.ts';
import type { FaultContext, Scenario } from './scenarios.ts';

export interface RunOptions {
  bookings: number;
  holdTtlSeconds: number;
}

export interface ScenarioResult {
  scenario: string;
  description: string;
  bookingsInFlight: number;
  /** Answers other than the one hoped for, by "<status> <code>", retries included. */
  errorsByKind: Record<string, number>;
  /** Clients that stopped retrying without an answer they could act on. */
  gaveUp: number;
  /** Milliseconds from the fault to the first booking confirmed after it (undefined: none within the bound × 2). */
  firstBookingAfterFaultMs: number | undefined;
  recoveryBoundMs: number;
  recoveredWithinBound: boolean;
  /** What the probe customer was answered before its first confirmed booking after the fault. */
  probeFailures: string[];
  verdict: Verdict;
  records: BookingRecord[];
  /** The scenario could not run to the end (the harness itself failed); the message says why. */
  error?: string;
}

const PAYMENTS: ProcessName[] = ['payments-api', 'payments-worker'];
const PROBE_SEATS = 80;

/** A published event on sale now, at a venue of its own with enough seats for the load and the probe. */
async function eventOnSale(platform: Platform, seats: number): Promise<{ eventId: string; seatIds: string[] }> {
  const ctx = { orm: platform.orms.events, published: () => undefined };
  const rows = Math.ceil(seats / 20);
  const layout = await createVenue(platform.orms.events.em.fork(), {
    name: `Chaos venue ${randomUUID().slice(0, 8)}`,
    sections: [{ name: 'Stalls', rows: Array.from({ length: rows }, (_, i) => ({ label: `R${i + 1}`, seats: 20 })) }],
  });
  const event = await createEvent(ctx, {
    venueId: layout.venue.id,
    title: `Chaos event ${randomUUID().slice(0, 8)}`,
    startsAt: new Date(Date.now() + 30 * 86_400_000),
  });
  await setPriceTiers(ctx, event.id, 'EUR', [{ sectionId: layout.sections[0]!.id, name: 'Stalls', priceMinor: 4_500 }]);
  await publishEvent(ctx, event.id);
  // The bookings service learns of the event from its facts; holds before that would be refused.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const known = await platform.orms.bookings.em.fork().execute('select 1 from event_catalog where event_id = ?', [event.id]);
    if (known.length) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { eventId: event.id, seatIds: layout.sections[0]!.seats.filter((s) => !s.blocked).map((s) => s.id) };
}

export async function runScenario(platform: Platform, scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const say = (line: string) => console.log(`[chaos] ${scenario.name}: ${line}`);
  if (scenario.paymentsEnv) {
    for (const name of PAYMENTS) await platform.kill(name, 'SIGTERM');
    await Promise.all(PAYMENTS.map((name) => platform.start(name, scenario.paymentsEnv)));
  }
  try {
    const event = await eventOnSale(platform, options.bookings + PROBE_SEATS);
    const [probe, ...customers] = await signUpCustomers(platform.gatewayUrls, options.bookings + 1, scenario.name);
    say(`${options.bookings} bookings in flight`);
    const since = new Date();
    let released!: () => void;
    const gate = new Promise<void>((resolve) => (released = resolve));
    const load = startLoad({
      gatewayUrls: platform.gatewayUrls,
      customers,
      eventId: event.eventId,
      seatIds: event.seatIds.slice(0, options.bookings),
      beforePay: scenario.gate ? () => gate : undefined,
    });
    let probed: Promise<number | undefined> | undefined;
    const probeFailures: string[] = [];
    const ctx: FaultContext = {
      platform,
      load,
      eventId: event.eventId,
      hit() {
        if (probed) return;
        say('fault');
        const at = Date.now();
        probed = firstBookingAfter(
          new Client(platform.gatewayUrls),
          probe!,
          event.eventId,
          event.seatIds.slice(options.bookings),
          at,
          scenario.recoveryBoundMs * 2,
          probeFailures,
        );
      },
      release: () => released(),
    };
    let error: string | undefined;
    await scenario.fault(ctx).catch((err: Error) => {
      error = `the fault failed: ${err.message}`;
    });
    released();
    const recoveredAt = new Date();
    await load.done;
    const firstBookingAfterFaultMs = probed ? await probed : undefined;
    say('load done; waiting for the sagas to settle');
    const result = await verdict(platform, {
      eventIds: [event.eventId],
      since,
      recoveredAt,
      records: load.records,
      settleTimeoutMs: options.holdTtlSeconds * 1000 + 120_000,
    });
    result.violations.push(...((await scenario.check?.(ctx)) ?? []));
    const errorsByKind: Record<string, number> = {};
    for (const record of load.records) for (const e of record.errors) errorsByKind[e] = (errorsByKind[e] ?? 0) + 1;
    return {
      scenario: scenario.name,
      description: scenario.description,
      bookingsInFlight: options.bookings,
      errorsByKind,
      gaveUp: load.records.filter((r) => r.gaveUp).length,
      firstBookingAfterFaultMs,
      recoveryBoundMs: scenario.recoveryBoundMs,
      recoveredWithinBound: firstBookingAfterFaultMs !== undefined && firstBookingAfterFaultMs <= scenario.recoveryBoundMs,
      probeFailures,
      verdict: result,
      records: load.records,
      ...(error ? { error } : {}),
    };
  } finally {
    if (scenario.paymentsEnv) {
      for (const name of PAYMENTS) await platform.kill(name, 'SIGTERM');
      await Promise.all(PAYMENTS.map((name) => platform.start(name)));
    }
    await platform.ensureRunning();
  }
}
