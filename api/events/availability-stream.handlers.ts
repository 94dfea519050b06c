// Live availability of one event over server-sent events: a snapshot, then each seat change in order, kept alive when idle.
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { EventsContext } from '../../domain/events/events.ts';
import type { SeatFeed } from '../../domain/events/seat-feed.ts';
import { seatMap } from '../../domain/events/seats.ts';
import type { AvailabilityStreamHandler } from './availability-stream.routes.ts';
import type { EventsRouteDeps } from './events.deps.ts';
import { availabilityOf } from './seats.handlers.ts';
import { publishedEvent } from './visible-events.ts';

/** A comment this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export function availabilityStreamHandler(deps: Pick<EventsRouteDeps, 'ctx' | 'feed'>): AvailabilityStreamHandler {
  return async (c) => {
    const event = await publishedEvent(deps.ctx, c, c.req.valid('param').id);
    return streamSSE(c, (stream) => relayAvailability(stream, deps.ctx, deps.feed, event.id));
  };
}

/** Writes run one at a time, in the order the changes arrived, so a client never sees them reordered. */
class StreamJobs {
  private readonly jobs: (() => Promise<void>)[] = [];
  private wakeUp: (() => void) | undefined;

  push(job: () => Promise<void>): void {
    this.jobs.push(job);
    this.wakeUp?.();
  }

  wake(): void {
    this.wakeUp?.();
  }

  next(): (() => Promise<void>) | undefined {
    return this.jobs.shift();
  }

  get empty(): boolean {
    return this.jobs.length === 0;
  }

  /** Until a job arrives, the stream ends, or `ms` pass. */
  async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      setTimeout(resolve, ms);
    });
    this.wakeUp = undefined;
  }
}

async function relayAvailability(stream: SSEStreamingApi, ctx: EventsContext, feed: SeatFeed, eventId: string): Promise<void> {
  let id = 0;
  const jobs = new StreamJobs();
  const snapshot = async () => {
    const [counts, seats] = await Promise.all([availabilityOf(ctx, eventId), seatMap(ctx.orm.em.fork(), eventId)]);
    await stream.writeSSE({
      id: String(++id),
      event: 'snapshot',
      data: JSON.stringify({ ...counts, seats: seats.map((s) => ({ seatId: s.seatId, status: s.status })) }),
    });
  };
  // Subscribe before the snapshot, so nothing between the two is lost.
  const unsubscribe = feed.subscribe(eventId, (change) =>
    jobs.push(async () => {
      if (change.resync) return snapshot();
      await stream.writeSSE({
        id: String(++id),
        event: 'change',
        data: JSON.stringify({ ...change, availability: await availabilityOf(ctx, eventId) }),
      });
    }),
  );
  stream.onAbort(() => {
    unsubscribe();
    jobs.wake();
  });
  try {
    await snapshot();
    await runJobs(stream, jobs);
  } finally {
    unsubscribe();
  }
}

async function runJobs(stream: SSEStreamingApi, jobs: StreamJobs): Promise<void> {
  while (!stream.aborted && !stream.closed) {
    const job = jobs.next();
    if (job) {
      await job();
      continue;
    }
    await jobs.idle(KEEP_ALIVE_MS);
    if (jobs.empty && !stream.aborted) await stream.write(': keep-alive\n\n');
  }
}
