// The faults, one per scenario: what is hit, when in the load, for how long, and the bound within which a new
// booking must succeed again. A scenario only injects; the runner (run.ts) drives the load and checks the outcome.
import { execFileSync } from 'node:child_process';
import { bookingConfirmedV1 } from '../../contracts/bookings.ts';
import type { Violation } from '../../domain/invariants.ts';
import { deadLetterQueue } from '../../common/messaging/queues.ts';
import { queuesFor } from './checks.ts';
import type { Load, Milestone } from './load.ts';
import type { Platform, ProcessName } from './processes.ts';

export interface FaultContext {
  platform: Platform;
  load: Load;
  eventId: string;
  /** Call at the moment the fault strikes: recovery is measured from here. */
  hit(): void;
  /** Lets the load's pays go (a scenario with `gate` holds them until it has struck). */
  release(): void;
}

export interface Scenario {
  name: string;
  description: string;
  /** A new booking succeeds within this long of the fault (the outage itself included). */
  recoveryBoundMs: number;
  /** Holds every pay until the fault calls release(): for a fault "between hold and pay". */
  gate?: boolean;
  /** Settings for the payments processes during this scenario (they are restarted with them, then without). */
  paymentsEnv?: Record<string, string>;
  /** Stops a machine-wide dependency other programs use too: run only when asked for by name or with --all. */
  onDemand?: boolean;
  fault(ctx: FaultContext): Promise<void>;
  /** Checks of its own once the platform has settled, e.g. that a poison message reached its dead-letter queues. */
  check?(ctx: FaultContext): Promise<Violation[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILL of some processes at a point in the load; they are started again `downMs` later. */
function kill(names: ProcessName[], at: Milestone, options: { delayMs?: number; downMs?: number; gate?: boolean } = {}) {
  return async (ctx: FaultContext) => {
    await ctx.load.reached(at);
    await sleep(options.delayMs ?? 0);
    ctx.hit();
    await Promise.all(names.map((n) => ctx.platform.kill(n)));
    if (options.gate) ctx.release();
    await sleep(options.downMs ?? 5_000);
    await Promise.all(names.map((n) => ctx.platform.start(n)));
  };
}

/** A card network slow in the way `paymentsEnv` sets: the fault is the slow charges the load makes anyway. */
function slowCardNetwork(name: string, description: string, paymentsEnv: Record<string, string>): Scenario {
  return {
    name,
    description,
    recoveryBoundMs: 15_000,
    paymentsEnv,
    async fault(ctx) {
      await ctx.load.reached('slow-charging');
      ctx.hit();
    },
  };
}

function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', args, { stdio: 'ignore', timeout: 60_000 });
}

/** RabbitMQ stopped (the node stays up, its application does not) for `seconds`, after the first confirmation. */
export function rabbitmqStopped(seconds: number): Scenario {
  return {
    name: `rabbitmq-stopped-${seconds}s`,
    description: `RabbitMQ stopped for ${seconds} s while confirmations fan out (rabbitmqctl stop_app / start_app)`,
    recoveryBoundMs: seconds * 1000 + 30_000,
    async fault(ctx) {
      await ctx.load.reached('confirmed');
      ctx.hit();
      rabbitmqctl('stop_app');
      try {
        await sleep(seconds * 1000);
      } finally {
        rabbitmqctl('start_app');
      }
    },
  };
}

function postgresCluster(): { version: string; name: string } {
  // pg_lsclusters: "15  main    5432 online postgres …"
  const line = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' }).trim().split('\n')[0]!;
  const [version, name] = line.trim().split(/\s+/);
  return { version: version!, name: name! };
}

/** What a delivered fact looks like on the wire, from an outbox row the relay sent. */
async function sentFact(platform: Platform, eventId: string) {
  const [row] = await platform.orms.bookings.em.fork().execute<{ id: string; type: string; routing_key: string; payload: unknown }[]>(
    `select id, type, routing_key, payload from outbox_message
        where routing_key = ? and sent_at is not null and payload->'data'->>'eventId' = ? limit 1`,
    [bookingConfirmedV1.routingKey, eventId],
  );
  return row;
}

/** The dead-letter queues an unreadable booking.confirmed message must land in: one per queue bound to it. */
export const poisonQueues = (platform: Platform) =>
  queuesFor(platform.config.rabbitmq.exchange, bookingConfirmedV1.routingKey).map((q) => deadLetterQueue(q));

/** Dead-letter depths before the poison message, per queue, so the check counts only what this scenario sent. */
const poisonBaseline = new Map<string, number>();

export const duplicateFact: Scenario = {
  name: 'duplicate-fact',
  description: 'a booking.confirmed fact already delivered is published again by hand, with its id',
  recoveryBoundMs: 15_000,
  async fault(ctx) {
    await ctx.load.reached('confirmed');
    let row = await sentFact(ctx.platform, ctx.eventId);
    for (let i = 0; !row && i < 100; i++) {
      await sleep(200);
      row = await sentFact(ctx.platform, ctx.eventId);
    }
    if (!row) throw new Error('no booking.confirmed fact was sent to duplicate');
    ctx.hit();
    await ctx.platform.publish(row.routing_key, Buffer.from(JSON.stringify(row.payload)), {
      persistent: true,
      messageId: row.id,
      type: row.type,
      contentType: 'application/json',
    });
  },
  // I-propagation (every fact in every inbox exactly once, the sales projection counting each sale once) covers it.
};

export const poisonMessage: Scenario = {
  name: 'poison-message',
  description: 'an unreadable message published by hand on booking.confirmed; it must reach the dead-letter queues and block nothing',
  recoveryBoundMs: 15_000,
  async fault(ctx) {
    for (const queue of poisonQueues(ctx.platform)) poisonBaseline.set(queue, await ctx.platform.queueDepth(queue));
    await ctx.load.reached('paying');
    ctx.hit();
    await ctx.platform.publish(bookingConfirmedV1.routingKey, Buffer.from('{"this is": not a fact'), {
      persistent: true,
      messageId: `poison-${Date.now()}`,
      contentType: 'application/json',
    });
  },
  async check(ctx) {
    const violations: Violation[] = [];
    for (const queue of poisonQueues(ctx.platform)) {
      const added = (await ctx.platform.queueDepth(queue)) - (poisonBaseline.get(queue) ?? 0);
      if (added !== 1) {
        violations.push({ invariant: 'I-propagation', detail: `the poison message is in ${queue} ${added} times (expected once)` });
      }
    }
    return violations;
  },
};

export const bookingsWorkerDuringPay: Scenario = {
  name: 'kill-bookings-worker-during-pay',
  description: 'SIGKILL of the bookings worker while pays are in flight; started again 5 s later',
  recoveryBoundMs: 30_000,
  fault: kill(['bookings-worker'], 'paying', { delayMs: 300 }),
};

export const bookingsWorkerBeforePay: Scenario = {
  name: 'kill-bookings-worker-between-hold-and-pay',
  description: 'SIGKILL of the bookings worker once every hold is answered and before any pay; started again 5 s later',
  recoveryBoundMs: 30_000,
  gate: true,
  fault: kill(['bookings-worker'], 'held', { gate: true }),
};

export const usersDuringFanOut: Scenario = {
  name: 'kill-users-during-fan-out',
  description: 'SIGKILL of the users API and worker (the notifications consumers) 1.5 s into the confirmations fanning out; back 5 s later',
  recoveryBoundMs: 30_000,
  fault: kill(['users-api', 'users-worker'], 'confirmed', { delayMs: 1_500 }),
};

/** Every scenario of `npm run chaos`, in the order they run. */
export const SCENARIOS: Scenario[] = [
  bookingsWorkerBeforePay,
  bookingsWorkerDuringPay,
  {
    name: 'kill-bookings-worker-during-confirm',
    description: 'SIGKILL of the bookings worker right after the first booking confirmed (the rest confirming); back 5 s later',
    recoveryBoundMs: 30_000,
    fault: kill(['bookings-worker'], 'confirmed'),
  },
  {
    name: 'kill-events-during-holds',
    description: 'SIGKILL of the events API and worker while holds arrive; back 5 s later',
    recoveryBoundMs: 30_000,
    fault: kill(['events-api', 'events-worker'], 'holding', { delayMs: 300 }),
  },
  {
    name: 'kill-payments-during-charge',
    description: 'SIGKILL of the payments API and worker 1 s into a slow-card charge (captured, not yet answered); back 5 s later',
    recoveryBoundMs: 30_000,
    fault: kill(['payments-api', 'payments-worker'], 'slow-charging', { delayMs: 1_000 }),
  },
  usersDuringFanOut,
  {
    name: 'kill-one-gateway-of-two',
    description: 'SIGKILL of one of the two gateways while pays flow; back 10 s later',
    recoveryBoundMs: 15_000,
    fault: kill(['gateway-1'], 'paying', { delayMs: 300, downMs: 10_000 }),
  },
  {
    name: 'kill-one-bookings-api-of-two',
    description: 'SIGKILL of one of the two bookings API instances while pays flow; back 10 s later',
    recoveryBoundMs: 15_000,
    fault: kill(['bookings-api-1'], 'paying', { delayMs: 300, downMs: 10_000 }),
  },
  rabbitmqStopped(30),
  {
    name: 'rabbitmq-connections-cut',
    description: 'every RabbitMQ connection closed by the broker while confirmations fan out (rabbitmqctl close_all_connections)',
    recoveryBoundMs: 20_000,
    async fault(ctx) {
      await ctx.load.reached('confirmed');
      ctx.hit();
      rabbitmqctl('close_all_connections', 'eventix chaos: connections cut');
    },
  },
  {
    name: 'postgresql-restart-10s',
    description: 'PostgreSQL stopped for 10 s under load (pg_ctlcluster stop / start); stops every database on this machine',
    recoveryBoundMs: 45_000,
    onDemand: true,
    async fault(ctx) {
      await ctx.load.reached('paying');
      const { version, name } = postgresCluster();
      ctx.hit();
      execFileSync('pg_ctlcluster', [version, name, 'stop', '-m', 'fast'], { stdio: 'ignore', timeout: 60_000 });
      try {
        await sleep(10_000);
      } finally {
        execFileSync('pg_ctlcluster', [version, name, 'start'], { stdio: 'ignore', timeout: 60_000 });
      }
    },
  },
  {
    name: 'temporal-restart',
    description: 'the Temporal dev server killed (SIGKILL) while pays flow and started again 5 s later on the same database file',
    recoveryBoundMs: 45_000,
    async fault(ctx) {
      await ctx.load.reached('paying');
      ctx.hit();
      await ctx.platform.killTemporal();
      await sleep(5_000);
      await ctx.platform.startTemporal();
    },
  },
  duplicateFact,
  poisonMessage,
  slowCardNetwork(
    'slow-card-network',
    'the card network sits 20 s on a slow-card charge, longer than the charge activity may take (15 s)',
    { TEST_GATEWAY_SLOW_MS: '20000', PAYMENT_GATEWAY_TIMEOUT_MS: '30000' },
  ),
  slowCardNetwork(
    'card-network-answers-late',
    'the card network captures at once but answers after 15 s, when the payments service stopped waiting (5 s)',
    { TEST_GATEWAY_SLOW_MS: '15000', PAYMENT_GATEWAY_TIMEOUT_MS: '5000' },
  ),
];
